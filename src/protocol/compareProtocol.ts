/**
 * Messages between the Compare panel (host, src/panels/comparePanel.ts) and its webview
 * script (media/compare/). Both sides import this file; the webview says `ready` before
 * the host posts anything. A message with a `requestId` is a request: the host answers
 * each one with the same id, an `error` sentence included when it cannot. Every string in
 * here may come from an image (names, labels, build steps, file names): the webview shows
 * it as text, never as HTML.
 */

import type { ChangeKind } from '../analysis/fileSystem';
import type { SemanticDiff } from '../analysis/compare/semanticDiff';
import type { CompareSummary, DiffReason } from '../analysis/compare/imageCompare';
import type { Failed } from './channel';
import type { ReadView, StepView, TreeRowView, TreeSort } from './layersProtocol';

export type { ChangeKind } from '../analysis/fileSystem';
export type { CompareSummary, DiffReason, SideSummary } from '../analysis/compare/imageCompare';
export type { ConfigChange, ConfigField, PackageDiff, SemanticDiff } from '../analysis/compare/semanticDiff';
export type { StepView, TreeRowView, TreeSort } from './layersProtocol';

export type Side = 'a' | 'b';

/** One of the two images, as the engine describes it (before any export is read). */
export interface SideView {
  title: string;
  id: string;
  /** Where it was read from, when not from the engine ("from 127.0.0.1:5000"). */
  origin?: string;
  /** The engine's figure (src/shared/sizeNames: on disk, unpacked). */
  unpacked?: number;
  created?: string;
  labels: Record<string, string>;
  /** Every build step, base first; layer steps carry their diff id. */
  steps: StepView[];
}

/** What the analysis of both found: the summary, each layer's size, and how many files changed how. */
export interface ComparisonView {
  summary: CompareSummary;
  /** How many layers from the base up both share (same diff id): drawn as one band. */
  sharedLayers: number;
  /** What reading each side cost, when they were read one by one (a registry reads only the layers it does not know). */
  read?: { a: ReadView; b: ReadView };
  /** Files (analysed) per layer, base first. */
  layerSizes: { a: number[]; b: number[] };
  counts: Record<ChangeKind, number>;
  /** B's total minus A's, over every difference. */
  delta: number;
  /** Packages added, removed and upgraded, and the run configuration's changes (timestamps aside): shown above the files. */
  semantic: SemanticDiff;
}

/** A row of the difference tree: a file (or folder, its changes summed) with why it differs. */
export interface CompareRow extends TreeRowView {
  /** Why a modified file counts as modified (type, size, mode, owner, link, content). */
  reasons?: DiffReason[];
  /** A file's size in A and in B (absent on the side it is not in). */
  sizeA?: number;
  sizeB?: number;
}

/** What the difference tree is asked for: changes of these kinds, sorted, filtered by path. */
export interface DiffQuery {
  sort: TreeSort;
  filter: string;
  kinds: ChangeKind[];
}

export type ToWebview =
  /** `sharedLayers`: from the engine's diff ids, before any export is read. */
  | { type: 'init'; state: ComparePanelState; a: SideView; b: SideView; sharedLayers: number }
  /** `waitingMs`: no byte yet after this long (an engine slow to start sending its export). */
  | { type: 'progress'; bytesRead: number; total?: number; waitingMs?: number }
  | { type: 'comparison'; comparison: ComparisonView }
  | { type: 'error'; message: string }
  /** The answer to `listChildren`; `failed` when the folder cannot be listed. */
  | { type: 'children'; requestId: number; rows: CompareRow[] }
  | Failed;

export type FromWebview =
  | { type: 'ready' }
  | { type: 'retry' }
  /** The rows directly under `path` ('' for the top) of the difference tree. */
  | ({ type: 'listChildren'; requestId: number; path: string } & DiffQuery)
  /** Open one side's Layers panel. */
  | { type: 'showLayers'; side: Side }
  /** The same two images, A and B the other way round. */
  | { type: 'swap' }
  /** Open a file of the tree: a modified one as a diff of the two images' versions, else the side's that has it. */
  | { type: 'openFile'; path: string };

/** Where the user was in the panel: saved by the webview, given back to it after a reload. */
export interface ComparePanelPlace extends DiffQuery {
  /** Paths of the folders open in the difference tree. */
  expanded: string[];
  treeScroll: number;
  pageScroll: number;
}

/** What the panel keeps to be restored after a reload. */
/** One side: an image on the engine (by id), or one read from `source` (a registry:// reference, an archive's path). */
export interface CompareSideState {
  id: string;
  title: string;
  source?: string;
}

export interface ComparePanelState {
  /** `<A> <B>` (each its id, or its source): one panel per ordered pair. */
  key: string;
  a: CompareSideState;
  b: CompareSideState;
  /** The user's place, which only the webview writes and reads (the host passes it through). */
  place?: ComparePanelPlace;
}
