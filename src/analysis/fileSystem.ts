/**
 * What each layer did to the filesystem, as the engine applies layers (unlike the dive
 * metrics, opaque folders are honoured here): a whiteout `.wh.x` removes `x`; an opaque
 * marker `.wh..wh..opq` hides everything the layers below had in its folder; other
 * entries add a path, or modify it when the layers below had it.
 */
import {
  type EntryType,
  type LayerEntry,
  isOpaqueMarker,
  isWhiteout,
  parentPath,
  whiteoutTarget,
} from '../model/layerEntries';

export type ChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  type: EntryType;
  /** For a removal: the size of what was removed (everything under a folder). */
  size: number;
  linkTarget?: string;
}

/** What is at a path: the entry's metadata (its path is the snapshot's key) and who wrote it. */
export interface FileInfo extends Omit<LayerEntry, 'path'> {
  /** The layer (0 = base) that last wrote this path. */
  layer: number;
}

/** The filesystem after some layers: path → what is there. */
export type Snapshot = Map<string, FileInfo>;

function removeSubtree(fs: Snapshot, path: string): number {
  let size = 0;
  const info = fs.get(path);
  if (info) {
    size += info.size;
    fs.delete(path);
  }
  const prefix = `${path}/`;
  for (const [p, i] of fs) {
    if (p.startsWith(prefix)) {
      size += i.size;
      fs.delete(p);
    }
  }
  return size;
}

/** Applies one layer to a snapshot (in place) and returns what it changed. */
export function applyLayer(fs: Snapshot, entries: LayerEntry[], layer: number): FileChange[] {
  const changes: FileChange[] = [];
  const removed = new Map<string, FileChange>();
  // Whiteouts and opaque markers act on the layers below, before this layer's own entries.
  for (const e of entries) {
    if (isOpaqueMarker(e.path)) {
      const dir = parentPath(e.path);
      const prefix = dir ? `${dir}/` : '';
      for (const [p, info] of [...fs]) {
        if (p.startsWith(prefix) && p !== dir && !p.slice(prefix.length).includes('/')) {
          const change: FileChange = { path: p, kind: 'removed', type: info.type, size: removeSubtree(fs, p) };
          changes.push(change);
          removed.set(p, change);
        }
      }
    } else if (isWhiteout(e.path)) {
      const target = whiteoutTarget(e.path);
      const info = fs.get(target);
      const change: FileChange = { path: target, kind: 'removed', type: info?.type ?? 'file', size: removeSubtree(fs, target) };
      changes.push(change);
      removed.set(target, change);
    }
  }
  for (const e of entries) {
    if (isWhiteout(e.path)) {
      continue;
    }
    const existed = fs.has(e.path);
    const removedHere = removed.get(e.path);
    fs.set(e.path, { type: e.type, size: e.size, mode: e.mode, linkTarget: e.linkTarget, uid: e.uid, gid: e.gid, hash: e.hash, layer });
    if (removedHere) {
      // Removed by an opaque marker and written again by the same layer: a modification.
      removedHere.kind = 'modified';
      removedHere.type = e.type;
      removedHere.size = e.size;
      removed.delete(e.path);
      continue;
    }
    changes.push({ path: e.path, kind: existed ? 'modified' : 'added', type: e.type, size: e.size, linkTarget: e.linkTarget });
  }
  return changes;
}

export interface ChangeCounts {
  added: number;
  modified: number;
  removed: number;
}

/** Counts of changes, folders that only carry changes below them left out (as a person counts files). */
export function countChanges(changes: FileChange[]): ChangeCounts {
  const counts: ChangeCounts = { added: 0, modified: 0, removed: 0 };
  for (const c of changes) {
    if (c.type === 'dir' && c.kind === 'modified') {
      continue;
    }
    counts[c.kind]++;
  }
  return counts;
}

