/**
 * One image analysed: per layer its size and changes, the dive metrics, and trees to
 * browse. Built once from an archive; file trees are made when first asked for.
 */
import type { ImageArchive } from './archiveReader';
import { type ImageMetrics, computeMetrics } from './diveMetrics';
import { type ChangeCounts, type FileChange, type Snapshot, applyLayer, countChanges } from './fileSystem';
import { FileTree } from './fileTree';
import { type LayerPackages, packagesByLayer } from '../model/packages';

export interface LayerSummary {
  index: number;
  diffId?: string;
  source: string;
  size: number;
  entryCount: number;
  counts: ChangeCounts;
  /** The history step that made it, from the image config (`created_by`), when known. */
  createdBy?: string;
  created?: string;
}

export type TreeMode = 'changes' | 'filesystem';

/** What reading the image cost: bytes and layer blobs read (none when it was kept on disk). */
export interface ReadCost {
  bytesRead: number;
  blobsRead: number;
  /** Made from what was kept on disk from an earlier analysis, nothing read. */
  fromKept: boolean;
}

/**
 * The figures worked out from the layers (dive's metrics, each layer's counts of changes):
 * kept on disk with the image, so that an image analysed before opens without working
 * them out again (the changes themselves are then made when a tree first asks).
 */
export interface DerivedFigures {
  metrics: ImageMetrics;
  counts: ChangeCounts[];
}

export class ImageAnalysis {
  readonly layers: LayerSummary[];
  readonly metrics: ImageMetrics;
  private madeChanges: FileChange[][] | undefined;
  private madePackages: LayerPackages[] | undefined;
  private readonly trees = new Map<string, FileTree>();
  private readonly archive: ImageArchive;

  constructor(
    archive: ImageArchive,
    /** What reading it cost, when it was read (or found kept). */
    readonly cost?: ReadCost,
    /** The figures kept with it, when it was kept (they are worked out otherwise). */
    derived?: DerivedFigures,
  ) {
    this.archive = archive;
    const counts = derived && derived.counts.length === archive.layers.length ? derived.counts : this.changes.map(countChanges);
    const steps = (archive.config.history ?? []).filter((h) => !h.empty_layer);
    this.layers = archive.layers.map((layer, i) => ({
      index: i,
      diffId: layer.diffId,
      source: layer.source,
      size: layer.size,
      entryCount: layer.entries.length,
      counts: counts[i],
      createdBy: steps[i]?.created_by,
      created: steps[i]?.created,
    }));
    this.metrics = derived?.metrics ?? computeMetrics(archive.layers);
  }

  /** Each layer's changes to the filesystem below it, made when first asked. */
  private get changes(): FileChange[][] {
    if (!this.madeChanges) {
      const fs: Snapshot = new Map();
      this.madeChanges = this.archive.layers.map((layer, i) => applyLayer(fs, layer.entries, i));
    }
    return this.madeChanges;
  }

  /** What to keep with the image on disk. */
  get derived(): DerivedFigures {
    return { metrics: this.metrics, counts: this.layers.map((l) => l.counts) };
  }

  /** The image as read: what the store on disk keeps. */
  get archiveImage(): ImageArchive {
    return this.archive;
  }

  get repoTags(): string[] {
    return this.archive.repoTags;
  }

  /** The layers as read (their parsed entries are what the analysis cache keeps by diff id). */
  get archiveLayers(): ImageArchive['layers'] {
    return this.archive.layers;
  }

  /** The platform analysed, and what else the archive had: platforms and attestations. */
  get platform(): string | undefined {
    return this.archive.platform;
  }

  get platforms(): ImageArchive['platforms'] {
    return this.archive.platforms;
  }

  get attestations(): string[] {
    return this.archive.attestations;
  }

  /** Each layer's size (Σ of its files, as dive counts) by diff id: the one source of a layer's size once analysed. */
  layerSizes(): Map<string, number> {
    return new Map(this.layers.filter((l) => l.diffId).map((l) => [l.diffId as string, l.size]));
  }

  /** The config's history, one entry per build step, base first. */
  get history(): NonNullable<ImageArchive['config']['history']> {
    return this.archive.config.history ?? [];
  }

  get labels(): Record<string, string> {
    return this.archive.config.config?.Labels ?? {};
  }

  get format(): ImageArchive['format'] {
    return this.archive.format;
  }

  /** Each layer's packages added, removed and upgraded, from the databases its facts carry (worked out when first asked). */
  get packages(): LayerPackages[] {
    this.madePackages ??= packagesByLayer(this.archive.layers.map((l) => ({ entries: l.entries, databases: l.facts?.packages, distro: l.facts?.distro })));
    return this.madePackages;
  }

  /** Each layer's packages by diff id, as layerSizes gives its size. */
  layerPackages(): Map<string, LayerPackages> {
    const packages = this.packages;
    return new Map(this.layers.filter((l) => l.diffId).map((l) => [l.diffId as string, packages[l.index]]));
  }

  /** What a layer's content readers could not read (a corrupt package database…), one sentence each. */
  problemsOf(layer: number): string[] {
    return this.archive.layers[layer]?.facts?.problems ?? [];
  }

  changesOf(layer: number): FileChange[] {
    return this.changes[layer] ?? [];
  }

  /** The filesystem after `layer` (0 = base), rebuilt from the layers below. */
  snapshot(layer: number): Snapshot {
    const fs: Snapshot = new Map();
    for (let i = 0; i <= layer && i < this.archive.layers.length; i++) {
      applyLayer(fs, this.archive.layers[i].entries, i);
    }
    return fs;
  }

  /** The tree to browse for a layer: its changes only, or the whole filesystem up to it. */
  tree(layer: number, mode: TreeMode): FileTree {
    const key = `${layer}:${mode}`;
    let tree = this.trees.get(key);
    if (!tree) {
      if (mode === 'changes') {
        tree = new FileTree(this.changesOf(layer).map((c) => ({ ...c, change: c.kind })));
      } else {
        const changed = new Map(this.changesOf(layer).map((c) => [c.path, c.kind]));
        const items = [...this.snapshot(layer)].map(([path, info]) => ({ path, type: info.type, size: info.size, linkTarget: info.linkTarget, change: changed.get(path) }));
        tree = new FileTree(items);
      }
      // Keep a few: a 50,000-file filesystem tree is worth keeping, not fifty of them.
      if (this.trees.size >= 6) {
        this.trees.delete(this.trees.keys().next().value as string);
      }
      this.trees.set(key, tree);
    }
    return tree;
  }
}
