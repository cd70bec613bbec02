/**
 * Messages between the Layers panel (host, src/panels) and its webview script
 * (media/layers/), on the channel of src/protocol/channel.ts. Both sides import this
 * file. Every string in here may come from an image: the webview shows it as text,
 * never as HTML.
 */

import type { TreeRow as TreeRowView, TreeSort } from '../analysis/fileTree';
import type { Failed } from './channel';
import type { TreeMode } from '../analysis/imageAnalysis';

export interface StepView {
  /** Position among all build steps, base first. */
  index: number;
  /** The step as a Dockerfile reads. */
  text: string;
  createdBy: string;
  /** Position among filesystem layers; undefined for a metadata step. */
  layerIndex?: number;
  size: number;
  created?: string;
  diffId?: string;
  /** The Dockerfile line that made this step, when its Dockerfile is in the workspace. */
  dockerfileLine?: { file: string; line: number };
}

export interface GroupView {
  /** The local base image this range came from; undefined for the image's own steps. */
  base?: string;
  steps: StepView[];
}

export interface ImageView {
  title: string;
  id?: string;
  /** The engine's figures, under the names of src/shared/sizeNames (an archive has none). */
  sizes?: { unpacked: number; content?: number; shared?: number };
  /** The platform shown and analysed, when the image has several. */
  platform?: string;
  /** Every platform the image lists, "(listed only)" when not pulled. */
  platforms?: string[];
  created?: string;
  builtOn?: string;
  labels: Record<string, string>;
  /** Whether the Run button makes sense (an image on the engine, not an archive file). */
  runnable: boolean;
  /** Where it is read from, as a person reads it ("from 127.0.0.1:5000", "from archive app.tar"). */
  origin?: string;
}

export interface ReadView {
  bytesRead: number;
  blobsRead: number;
  fromKept: boolean;
}

export interface LayerStat {
  index: number;
  size: number;
  added: number;
  modified: number;
  removed: number;
}

export interface WastedPathView {
  path: string;
  count: number;
  size: number;
  layers: number[];
}

/** A secret left in a layer: what and where, never its value. */
export interface SecretView {
  kind: string;
  /** The kind as people read it ("GitHub token"). */
  name: string;
  /** The file, with a leading '/'. */
  path: string;
  line: number;
  /** The first 8 hex of the value's sha256. */
  fingerprint: string;
  /** The layer that added it (0 = base). */
  layer: number;
  /** A later layer that removed or overwrote it: still in `layer`, extractable by anyone who pulls. */
  hidden?: { layer: number; how: 'removed' | 'overwritten' };
}

/** One installed package as the panel lists it. */
export interface PackageView {
  ecosystem: string;
  name: string;
  version: string;
  /** Bytes installed, when the database says. */
  size?: number;
}

/** What one layer did to the installed packages. */
export interface LayerPackagesView {
  added: PackageView[];
  removed: PackageView[];
  /** `version` is the new one; `from` the one it replaced. */
  upgraded: Array<PackageView & { from: string }>;
  /** What could not be read in this layer (a corrupt database), one sentence each. */
  problems: string[];
}

export interface PackagesView {
  /** By layer index, base first. */
  layers: LayerPackagesView[];
  /** Everything installed in the image (after its top layer), largest first. */
  installed: PackageView[];
}

export interface AnalysisView {
  sizeBytes: number;
  userSizeBytes: number;
  efficiency: number;
  wastedBytes: number;
  wastedUserPercent: number;
  layers: LayerStat[];
  wastedPaths: WastedPathView[];
  /** Secrets left in the layers, in layer order. */
  secrets: SecretView[];
  /** The platform the archive's layers are for, when it says. */
  platform?: string;
  /** Attestation manifests read past ("provenance", "SBOM"). */
  attestations: string[];
  /** What reading it cost: bytes and layers read, or nothing (kept from an earlier analysis). */
  read?: ReadView;
  /** Packages per layer, from the package databases the layers wrote. */
  packages: PackagesView;
}

// The file tree's rows are the analysis's own (types only: the webview bundles no analysis code).
export type { TreeRow as TreeRowView, TreeSort } from '../analysis/fileTree';
export type { TreeMode } from '../analysis/imageAnalysis';

export type ToWebview =
  | { type: 'init'; state: LayersPanelState; image: ImageView; groups: GroupView[] }
  /** `waitingMs`: no byte yet after this long (an engine slow to start sending its export). */
  | { type: 'progress'; bytesRead: number; total?: number; waitingMs?: number }
  | { type: 'analysis'; analysis: AnalysisView }
  | { type: 'error'; message: string }
  /** The answer to `listChildren`; `failed` when the folder cannot be listed. */
  | { type: 'children'; requestId: number; rows: TreeRowView[] }
  | Failed
  /** Select this layer (a Dockerfile lens was clicked). */
  | { type: 'select'; layer: number };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'listChildren'; requestId: number; layer: number; mode: TreeMode; path: string; sort: TreeSort; filter: string }
  | { type: 'run' }
  | { type: 'retry' }
  /** Open the Dockerfile at the line that made this step. */
  | { type: 'openDockerfile'; file: string; line: number }
  /** Open a file of the tree in an editor, as it is after `layer` (base = 0); `compare`: beside the layer before's version. */
  | { type: 'openFile'; layer: number; path: string; compare?: boolean };

/** Where the user was in the panel: saved by the webview, given back to it after a reload. */
export interface LayersPanelPlace {
  /** The selected layer's index (base = 0). */
  selected?: number;
  /** Layers a wasted path was written by, drawn highlighted. */
  highlighted: number[];
  mode: TreeMode;
  sort: TreeSort;
  filter: string;
  /** Paths of the folders open in the file tree. */
  expanded: string[];
  /** The file tree's own scroll, and the page's. */
  treeScroll: number;
  pageScroll: number;
}

/** What the panel keeps to be restored after a reload. */
export interface LayersPanelState {
  /** An image on the engine (by id), an archive file (by path), or an image in a registry (by registry:// reference). */
  kind: 'image' | 'archive' | 'registry';
  /** Image id (engine) or file path (archive). */
  key: string;
  title: string;
  /** The user's place, which only the webview writes and reads (the host passes it through). */
  place?: LayersPanelPlace;
}
