/**
 * Which layer wrote a path, and which removed it: the question behind opening a file "as
 * a layer wrote it". Layers are applied as the engine applies them: within one layer its
 * whiteouts (`dir/.wh.name`), opaque folders (`dir/.wh..wh..opq`) and entries that turn a
 * folder into a file first take away what the layers below had, then its entries add.
 * Only the parsed entries are read (no content), so this runs on an analysis kept on disk.
 */
import { type LayerEntry, isOpaqueMarker, isWhiteout, normalizeEntryPath, parentPath, whiteoutTarget } from '../../model/layerEntries';

export interface LayerWithEntries {
  entries: LayerEntry[];
}

/** One layer's entries by path, what its whiteouts remove, and its opaque folders. */
interface LayerIndex {
  entries: Map<string, LayerEntry>;
  removed: Set<string>;
  opaque: Set<string>;
}

// Made once per layer read: a second file of the same image is looked up, not scanned for.
const indexes = new WeakMap<LayerEntry[], LayerIndex>();

function indexOf(layer: LayerWithEntries): LayerIndex {
  let index = indexes.get(layer.entries);
  if (!index) {
    index = { entries: new Map(), removed: new Set(), opaque: new Set() };
    for (const e of layer.entries) {
      if (isOpaqueMarker(e.path)) {
        index.opaque.add(parentPath(e.path));
      } else if (isWhiteout(e.path)) {
        index.removed.add(whiteoutTarget(e.path));
      } else {
        index.entries.set(e.path, e);
      }
    }
    indexes.set(layer.entries, index);
  }
  return index;
}

/** What a path is after a layer (0-based), links not followed. */
export type PathState =
  /** In the image; `layer` wrote this version of it. */
  | { kind: 'present'; layer: number; entry: LayerEntry }
  /** Gone: `addedIn` wrote the last version, `removedIn` took it away (a whiteout, an opaque folder, a file over a folder). */
  | { kind: 'removed'; addedIn: number; removedIn: number; entry: LayerEntry }
  /** Never written up to that layer. */
  | { kind: 'absent' };

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = parentPath(path); p !== ''; p = parentPath(p)) {
    out.push(p);
  }
  return out;
}

/** Whether this layer takes away what the layers below had at `path`. */
function removes(index: LayerIndex, path: string, above: string[]): boolean {
  if (index.removed.has(path)) {
    return true;
  }
  for (const a of above) {
    const entry = index.entries.get(a);
    if (index.removed.has(a) || index.opaque.has(a) || (entry && entry.type !== 'dir')) {
      return true;
    }
  }
  return false;
}

/** The state of `path` (normalised, no leading slash) after layer `upTo` (0-based; the top by default). */
export function pathState(layers: readonly LayerWithEntries[], path: string, upTo = layers.length - 1): PathState {
  const above = ancestors(path);
  let current: { layer: number; entry: LayerEntry } | undefined;
  let gone: { addedIn: number; removedIn: number; entry: LayerEntry } | undefined;
  for (let i = 0; i <= upTo && i < layers.length; i++) {
    const index = indexOf(layers[i]);
    if (current && removes(index, path, above)) {
      gone = { addedIn: current.layer, removedIn: i, entry: current.entry };
      current = undefined;
    }
    const entry = index.entries.get(path);
    if (entry) {
      current = { layer: i, entry };
    }
  }
  if (current) {
    return { kind: 'present', ...current };
  }
  return gone ? { kind: 'removed', ...gone } : { kind: 'absent' };
}

/** What a path names once its symbolic links are followed, as `cat` in the container would. */
export type FileLookup =
  | { kind: 'file'; path: string; layer: number; entry: LayerEntry; /** The path in the layer's tar whose bytes these are (a hard link's target). */ readPath: string }
  | { kind: 'directory'; path: string }
  | { kind: 'removed'; path: string; addedIn: number; removedIn: number }
  | { kind: 'absent'; path: string }
  | { kind: 'loop'; path: string }
  | { kind: 'other'; path: string };

const MAX_LINKS = 40;

/**
 * The file at `path` after layer `upTo`, symbolic links followed (in folders too, as
 * /bin → usr/bin): which layer wrote the version there, or where it was removed.
 */
export function lookupFile(layers: readonly LayerWithEntries[], path: string, upTo = layers.length - 1): FileLookup {
  let pending = normalizeEntryPath(path).split('/').filter(Boolean);
  let resolved: string[] = [];
  let links = 0;
  while (pending.length) {
    const name = pending.shift() as string;
    const candidate = [...resolved, name].join('/');
    const state = pathState(layers, candidate, upTo);
    if (state.kind !== 'present') {
      // A folder on the way that is gone: the whole path says whether a file was there and who removed it.
      const whole = [candidate, ...pending].join('/');
      const gone = pending.length ? pathState(layers, whole, upTo) : state;
      return gone.kind === 'removed' ? { kind: 'removed', path: whole, addedIn: gone.addedIn, removedIn: gone.removedIn } : { kind: 'absent', path: whole };
    }
    if (state.entry.type === 'symlink' && state.entry.linkTarget !== undefined) {
      if (++links > MAX_LINKS) {
        return { kind: 'loop', path: candidate };
      }
      const target = state.entry.linkTarget;
      // An absolute target starts from the image's root; a relative one from the link's folder.
      const base = target.startsWith('/') ? [] : resolved;
      let joined: string;
      try {
        joined = normalizeEntryPath([...base, target].join('/'));
      } catch {
        // A relative link climbing above the root stays at the root, as the kernel does.
        joined = normalizeEntryPath(target.replace(/^(\.\.\/)+/, ''));
      }
      pending = [...joined.split('/').filter(Boolean), ...pending];
      resolved = [];
      continue;
    }
    if (pending.length && state.entry.type !== 'dir') {
      return { kind: 'absent', path: [candidate, ...pending].join('/') };
    }
    resolved.push(name);
    if (!pending.length) {
      const entry = state.entry;
      const at = resolved.join('/');
      if (entry.type === 'dir') {
        return { kind: 'directory', path: at };
      }
      if (entry.type === 'hardlink' && entry.linkTarget !== undefined) {
        // A hard link's bytes are its target's, earlier in the same layer's tar (and so is its size).
        const readPath = normalizeEntryPath(entry.linkTarget);
        return { kind: 'file', path: at, layer: state.layer, entry: indexOf(layers[state.layer]).entries.get(readPath) ?? entry, readPath };
      }
      return entry.type === 'file' ? { kind: 'file', path: at, layer: state.layer, entry, readPath: at } : { kind: 'other', path: at };
    }
  }
  // The root itself.
  return { kind: 'directory', path: '' };
}

/**
 * The version of a file just before layer `layer` (0-based) wrote it: what Compare with
 * Previous Version shows on the left. `absent` when that layer added it new.
 */
export function previousVersion(layers: readonly LayerWithEntries[], path: string, layer: number): FileLookup {
  return layer <= 0 ? { kind: 'absent', path: normalizeEntryPath(path) } : lookupFile(layers, path, layer - 1);
}
