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

/**
 * The removals a layer makes, in one pass over the snapshot (a pass per whiteout made
 * layers with many, as `rm -rf /var/lib/apt/lists/*` leaves, slow): each path goes when
 * it, or a folder above it, is a whiteout's target, or when it lies in a folder the layer
 * marks opaque. A removal is recorded at its top (the target, or the opaque folder's child)
 * with the size of everything under it.
 */
function applyRemovals(fs: Snapshot, entries: LayerEntry[], changes: FileChange[], removed: Map<string, FileChange>): void {
  const targets = new Set<string>();
  const opaque = new Set<string>();
  for (const e of entries) {
    if (isOpaqueMarker(e.path)) {
      opaque.add(parentPath(e.path));
    } else if (isWhiteout(e.path)) {
      const target = whiteoutTarget(e.path);
      targets.add(target);
      if (!removed.has(target)) {
        // Recorded even when nothing was there, as the layer said so.
        const change: FileChange = { path: target, kind: 'removed', type: fs.get(target)?.type ?? 'file', size: 0 };
        changes.push(change);
        removed.set(target, change);
      }
    }
  }
  if (targets.size === 0 && opaque.size === 0) {
    return;
  }
  for (const [p, info] of fs) {
    // The topmost path above (or at) p that is removed: a target, or a child of an opaque folder.
    let top: string | undefined;
    for (let at = p; at !== ''; at = parentPath(at)) {
      if (targets.has(at) || opaque.has(parentPath(at))) {
        top = at;
      }
    }
    if (top === undefined) {
      continue;
    }
    let change = removed.get(top);
    if (!change) {
      change = { path: top, kind: 'removed', type: fs.get(top)?.type ?? info.type, size: 0 };
      changes.push(change);
      removed.set(top, change);
    }
    change.size += info.size;
    fs.delete(p);
  }
}

/** Applies one layer to a snapshot (in place) and returns what it changed. */
export function applyLayer(fs: Snapshot, entries: LayerEntry[], layer: number): FileChange[] {
  const changes: FileChange[] = [];
  const removed = new Map<string, FileChange>();
  // Whiteouts and opaque markers act on the layers below, before this layer's own entries.
  applyRemovals(fs, entries, changes, removed);
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

