/**
 * What a layer's tar says about each path: only metadata (path, type, size, mode, link
 * target), never contents. Paths are normalised the way the engine applies layers:
 * relative to the image root, `./` and leading `/` dropped, `a/../b` resolved; a path
 * that climbs out of the root is refused.
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  /** Normalised path without a leading slash, e.g. `usr/bin/env`. */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  linkTarget?: string;
  /** Owner, as the tar says. */
  uid?: number;
  gid?: number;
  /** A file's content digest (sha1), when the archive was read to compare contents. */
  hash?: string;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export class UnsafePathError extends Error {}

/** Normalises a tar entry name; throws UnsafePathError for a path that leaves the root. */
export function normalizeEntryPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length === 0) {
        throw new UnsafePathError(`the path "${name.length > 120 ? `${name.slice(0, 120)}…` : name}" climbs out of the image's root`);
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function isWhiteout(path: string): boolean {
  return baseName(path).startsWith(WHITEOUT_PREFIX);
}

export function isOpaqueMarker(path: string): boolean {
  return baseName(path) === OPAQUE_MARKER;
}

/** The path a whiteout `dir/.wh.name` removes: `dir/name`. */
export function whiteoutTarget(path: string): string {
  const dir = parentPath(path);
  const name = baseName(path).slice(WHITEOUT_PREFIX.length);
  return dir ? `${dir}/${name}` : name;
}
