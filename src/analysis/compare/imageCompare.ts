/**
 * Two images side by side: the layers they share (same diff id, from the base up), the
 * bytes shared and only in each, and the difference of their final filesystems. A file
 * counts as modified when its type, size, mode, owner, link target or content differs
 * (content by the digest taken while the archive streamed).
 */
import type { ChangeKind, FileInfo } from '../fileSystem';
import { FileTree } from '../fileTree';
import type { ImageAnalysis } from '../imageAnalysis';
import type { EntryType } from '../../model/layerEntries';

export interface SideSummary {
  /** Σ of the files in its layers (as dive counts), and how many layers. */
  size: number;
  layers: number;
}

export interface CompareSummary {
  a: SideSummary;
  b: SideSummary;
  /** Layers both have (same diff id), from the base up, and their bytes. */
  shared: SideSummary;
  /** Layers only one of the two has, anywhere in its stack. */
  onlyA: SideSummary;
  onlyB: SideSummary;
}

export type DiffReason = 'type' | 'size' | 'mode' | 'owner' | 'link' | 'content';

export interface FileDifference {
  path: string;
  kind: ChangeKind;
  type: EntryType;
  sizeA?: number;
  sizeB?: number;
  /** B's size minus A's. */
  delta: number;
  /** Why a file counts as modified. */
  reasons: DiffReason[];
}

export interface ImageComparison {
  summary: CompareSummary;
  /** How many layers from the base up the two share: drawn as one band. */
  sharedLayers: number;
  differences: FileDifference[];
  /** The differences as a tree, each folder with the change below it. */
  tree: FileTree;
}

function sum(sizes: number[]): number {
  return sizes.reduce((a, b) => a + b, 0);
}

function reasons(a: FileInfo, b: FileInfo): DiffReason[] {
  const why: DiffReason[] = [];
  if (a.type !== b.type) {
    why.push('type');
  }
  if (a.size !== b.size) {
    why.push('size');
  }
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) {
    why.push('mode');
  }
  if ((a.uid ?? 0) !== (b.uid ?? 0) || (a.gid ?? 0) !== (b.gid ?? 0)) {
    why.push('owner');
  }
  if ((a.linkTarget ?? '') !== (b.linkTarget ?? '')) {
    why.push('link');
  }
  // Same size and both digested: compare contents (a shared layer's file is the same file).
  if (a.type === 'file' && b.type === 'file' && a.size === b.size && a.hash && b.hash && a.hash !== b.hash) {
    why.push('content');
  }
  return why;
}

export function compareImages(a: ImageAnalysis, b: ImageAnalysis): ImageComparison {
  const idsA = a.layers.map((l) => l.diffId);
  const idsB = b.layers.map((l) => l.diffId);
  let sharedLayers = 0;
  while (sharedLayers < idsA.length && sharedLayers < idsB.length && idsA[sharedLayers] && idsA[sharedLayers] === idsB[sharedLayers]) {
    sharedLayers++;
  }
  const inB = new Set(idsB);
  const inA = new Set(idsA);
  const onlyA = a.layers.filter((l) => !l.diffId || !inB.has(l.diffId));
  const onlyB = b.layers.filter((l) => !l.diffId || !inA.has(l.diffId));
  const summary: CompareSummary = {
    a: { size: sum(a.layers.map((l) => l.size)), layers: a.layers.length },
    b: { size: sum(b.layers.map((l) => l.size)), layers: b.layers.length },
    shared: { size: sum(a.layers.slice(0, sharedLayers).map((l) => l.size)), layers: sharedLayers },
    onlyA: { size: sum(onlyA.map((l) => l.size)), layers: onlyA.length },
    onlyB: { size: sum(onlyB.map((l) => l.size)), layers: onlyB.length },
  };

  const before = a.snapshot(a.layers.length - 1);
  const after = b.snapshot(b.layers.length - 1);
  const differences: FileDifference[] = [];
  for (const [path, infoA] of before) {
    const infoB = after.get(path);
    if (!infoB) {
      differences.push({ path, kind: 'removed', type: infoA.type, sizeA: infoA.size, delta: -infoA.size, reasons: [] });
      continue;
    }
    // Both written by a layer the images share: the very same entry.
    if (infoA.layer === infoB.layer && infoA.layer < sharedLayers) {
      continue;
    }
    const why = reasons(infoA, infoB);
    // A folder whose files changed is not itself a change (its own metadata aside).
    if (why.length && !(infoA.type === 'dir' && infoB.type === 'dir' && why.every((w) => w === 'size'))) {
      differences.push({ path, kind: 'modified', type: infoB.type, sizeA: infoA.size, sizeB: infoB.size, delta: infoB.size - infoA.size, reasons: why });
    }
  }
  for (const [path, infoB] of after) {
    if (!before.has(path)) {
      differences.push({ path, kind: 'added', type: infoB.type, sizeB: infoB.size, delta: infoB.size, reasons: [] });
    }
  }
  differences.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.path.localeCompare(y.path));
  const tree = new FileTree(
    differences.map((d) => ({ path: d.path, type: d.type, size: d.sizeB ?? d.sizeA ?? 0, change: d.kind, delta: d.delta })),
  );
  return { summary, sharedLayers, differences, tree };
}
