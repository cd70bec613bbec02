import * as vscode from 'vscode';
import type { AnalysisCache } from '../analysis/analysisCache';
import { ArchiveError, type ImageArchive } from '../analysis/archiveReader';
import { semanticDiff } from '../analysis/compare/semanticDiff';
import type { ChangeKind } from '../analysis/fileSystem';
import { FileTree } from '../analysis/fileTree';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { type FileDifference, type ImageComparison, compareImages } from '../analysis/compare/imageCompare';
import type { Engine } from '../engine/api/engine';
import { statusCode } from '../engine/api/engineError';
import type { ImageIndex } from '../engine/imageIndex';
import { imageSizes } from '../model/imageSizes';
import { familiarRepository } from '../model/previousBuild';
import { isCancelled } from '../shared/errors';
import { SourceError } from '../sources/imageSource';
import { RegistryError } from '../sources/registry/registryError';
import { folderRows, readView, stepView, stepsFromHistory } from './panelViews';
import { EngineSource } from '../sources/engineSource';
import { type Registries, analyzeSource, localPlatform, openSource } from '../sources/openSource';
import { Refusal } from './hostChannel';
import { type PanelDeps, StrataPanel } from './strataPanel';
import type { NoticeOf } from '../protocol/channel';
import type { CompareRow, ComparePanelState, CompareSideState, ComparisonView, DiffQuery, FromWebview, SideView, StepView, ToWebview } from '../protocol/compareProtocol';

export interface ComparePanelDeps extends PanelDeps {
  /** Registry clients (a side read straight from a registry). */
  registries: Registries;
  engine: Engine;
  index: ImageIndex;
  analyses: AnalysisCache;
  /** Opens one image's Layers panel (the panel's "Show Layers" on a side): the engine's by id, or read from its source. */
  showLayers(imageId: string, title: string, source?: string): unknown;
}

/** One of the two images as the engine knows it now. */
interface Side {
  id: string;
  title: string;
  /** What to ask the export for: the name when it still names this image, else the id. */
  exportName: string;
  diffIds: string[];
  /** The engine's size (on disk, unpacked): what the export of it weighs, about. */
  unpacked: number;
}

/** A failure with its own sentence (an image gone). */
class CompareError extends Error {}

const KINDS: ChangeKind[] = ['added', 'removed', 'modified'];
const SORTS = new Set(['name', 'size', 'delta']);

/**
 * The Compare panel: two images side by side, the layers both share drawn as one band, and
 * the difference of their final filesystems as a tree. One panel per ordered pair (shown
 * again if already open); restored after a reload. Both images are read from one export
 * of both (the shared layers come once) through the analysis cache.
 */
export class ComparePanel extends StrataPanel<ComparePanelState, ToWebview, FromWebview> {
  static readonly viewType = 'strata.compare';
  private static readonly open = new Map<string, ComparePanel>();
  private comparison: ImageComparison | undefined;
  private byPath = new Map<string, FileDifference>();
  /** A tree per set of kinds shown (all kinds is the comparison's own). */
  private readonly trees = new Map<string, FileTree>();
  /** The reading under way, if any: a webview loaded again meanwhile waits for it (no second export). */
  private loading: Promise<void> | undefined;
  /** What was posted last of `init` and of the outcome: a webview loaded again (a hidden panel shown) is given them. */
  private lastInit: ToWebview | undefined;
  private lastOutcome: ToWebview | undefined;

  static keyOf(a: string, b: string): string {
    return `${a} ${b}`;
  }

  /** A side is an image on the engine (by id), or one read from `source` (a registry:// reference, an archive's path). */
  static stateOf(a: CompareSideState, b: CompareSideState): ComparePanelState {
    const side = (x: CompareSideState): CompareSideState => ({ id: x.id, title: x.title, ...(x.source ? { source: x.source } : {}) });
    return { key: ComparePanel.keyOf(a.source ?? a.id, b.source ?? b.id), a: side(a), b: side(b) };
  }

  static show(deps: ComparePanelDeps, state: ComparePanelState): ComparePanel {
    return StrataPanel.reveal(ComparePanel.open, state.key) ?? new ComparePanel(deps, StrataPanel.createWebviewPanel(ComparePanel.viewType, ComparePanel.title(state), deps.extensionUri), state);
  }

  static restore(deps: ComparePanelDeps, panel: vscode.WebviewPanel, state: ComparePanelState): ComparePanel {
    // The place is the webview's (its getState() gives it back); the host keeps what names the panel.
    return new ComparePanel(deps, panel, ComparePanel.stateOf(state.a, state.b));
  }

  private static title(state: ComparePanelState): string {
    return vscode.l10n.t('Compare: {0} ↔ {1}', state.a.title, state.b.title);
  }

  private constructor(
    private readonly deps: ComparePanelDeps,
    panel: vscode.WebviewPanel,
    state: ComparePanelState,
  ) {
    super(
      deps,
      panel,
      state,
      ComparePanel.open,
      { title: 'Compare', styles: [['media', 'layers.css'], ['media', 'compare.css']], script: ['dist', 'compare.js'] },
      {
        notices: {
          ready: () => this.start(false),
          retry: () => this.start(true),
          showLayers: (m) => {
            const side = m.side === 'b' ? this.state.b : this.state.a;
            return this.deps.showLayers(side.id, side.title, side.source);
          },
          swap: () => ComparePanel.show(this.deps, ComparePanel.stateOf(this.state.b, this.state.a)),
          // Through the command, so that its failures are reported as every command's are.
          openFile: (m) =>
            vscode.commands.executeCommand('strata.layerFile.compareImages', {
              a: { image: this.state.a.source ?? this.state.a.id, name: this.state.a.title },
              b: { image: this.state.b.source ?? this.state.b.id, name: this.state.b.title },
              path: m.path,
              panelColumn: this.panel.viewColumn,
            }),
        },
        requests: {
          listChildren: (m) => ({ type: 'children', rows: this.children(m.path, m) }),
        },
      },
    );
    panel.title = ComparePanel.title(state);
  }

  private post(message: NoticeOf<ToWebview>): void {
    if (message.type === 'init') {
      this.lastInit = message;
    } else if (message.type === 'comparison' || message.type === 'error') {
      this.lastOutcome = message;
    }
    this.channel.post(message);
  }

  /** Reads both images, unless that is under way; `again`: even when done already (Retry). */
  private start(again: boolean): Promise<void> {
    if (!this.loading) {
      if (!again && this.lastOutcome?.type === 'comparison' && this.lastInit) {
        // A webview loaded again: what it showed, without reading anything.
        this.post(this.lastInit as NoticeOf<ToWebview>);
        this.post(this.lastOutcome as NoticeOf<ToWebview>);
        return Promise.resolve();
      }
      this.loading = this.load().finally(() => (this.loading = undefined));
    } else if (this.lastInit) {
      this.post(this.lastInit as NoticeOf<ToWebview>);
    }
    return this.loading;
  }

  /** The rows under `path` of the difference tree, each with why it differs. */
  private children(path: unknown, query: Partial<DiffQuery>): CompareRow[] {
    const comparison = this.comparison;
    if (!comparison) {
      throw new Refusal(vscode.l10n.t('The differences are not ready yet: the images are still being read.'));
    }
    if (typeof path !== 'string') {
      throw new Refusal(vscode.l10n.t('The folder to list was not named.'));
    }
    const sort = query.sort ?? 'delta';
    if (!SORTS.has(sort)) {
      throw new Refusal(vscode.l10n.t('"{0}" is not a way to sort: choose by change, by size or by name.', String(sort)));
    }
    const kinds = Array.isArray(query.kinds) ? KINDS.filter((k) => query.kinds?.includes(k)) : KINDS;
    const filter = typeof query.filter === 'string' ? query.filter : '';
    const rows = folderRows(this.treeOf(kinds), path, sort, filter, 'name', () =>
      kinds.length < KINDS.length
        ? vscode.l10n.t('/{0} is not among the differences shown ({1}).', path, kinds.join(', ') || vscode.l10n.t('no kind chosen'))
        : vscode.l10n.t('/{0} is not among the differences.', path),
    );
    return rows.map((row) => {
      const d = this.byPath.get(row.path);
      return d ? { ...row, reasons: d.reasons, ...(d.sizeA !== undefined ? { sizeA: d.sizeA } : {}), ...(d.sizeB !== undefined ? { sizeB: d.sizeB } : {}) } : row;
    });
  }

  private treeOf(kinds: ChangeKind[]): FileTree {
    const comparison = this.comparison as ImageComparison;
    if (kinds.length === KINDS.length) {
      return comparison.tree;
    }
    const key = kinds.join(',');
    let tree = this.trees.get(key);
    if (!tree) {
      tree = new FileTree(
        comparison.differences
          .filter((d) => kinds.includes(d.kind))
          .map((d) => ({ path: d.path, type: d.type, size: d.sizeB ?? d.sizeA ?? 0, change: d.kind, delta: d.delta })),
      );
      this.trees.set(key, tree);
    }
    return tree;
  }

  private async load(): Promise<void> {
    this.lastOutcome = undefined;
    try {
      const analyses = this.state.a.source || this.state.b.source ? await this.readSources() : await this.analyse(...(await this.describeBoth()));
      const comparison = compareImages(analyses[0], analyses[1]);
      this.comparison = comparison;
      this.byPath = new Map(comparison.differences.map((d) => [d.path, d]));
      this.trees.clear();
      this.post({ type: 'comparison', comparison: this.view(comparison, analyses) });
    } catch (err) {
      if (!this.closed.signal.aborted) {
        this.post({ type: 'error', message: this.describe(err) });
      }
    }
  }

  private view(c: ImageComparison, [a, b]: [ImageAnalysis, ImageAnalysis]): ComparisonView {
    const counts: Record<ChangeKind, number> = { added: 0, removed: 0, modified: 0 };
    let delta = 0;
    for (const d of c.differences) {
      counts[d.kind]++;
      delta += d.delta;
    }
    return {
      summary: c.summary,
      sharedLayers: c.sharedLayers,
      ...(a.cost && b.cost ? { read: { a: readView(a.cost), b: readView(b.cost) } } : {}),
      layerSizes: { a: a.layers.map((l) => l.size), b: b.layers.map((l) => l.size) },
      counts,
      delta,
      semantic: semanticDiff(a, b),
    };
  }

  private describe(err: unknown): string {
    if (err instanceof CompareError) {
      return err.message;
    }
    if (isCancelled(err)) {
      return vscode.l10n.t('Reading the images was cancelled: Retry reads them again.');
    }
    if (err instanceof ArchiveError) {
      return vscode.l10n.t('The images could not be compared: {0}.', err.message);
    }
    if (err instanceof RegistryError || err instanceof SourceError) {
      return err.message;
    }
    if (statusCode(err) === 404) {
      return vscode.l10n.t('{0} or {1} no longer exists on the engine: it was removed meanwhile.', this.state.a.title, this.state.b.title);
    }
    return this.deps.engine.describeError(err).message;
  }

  /**
   * A comparison where a side is not on the engine (a registry, an archive): each side read
   * from its source, the engine's first, so that a registry side fetches only the layers
   * the other has not (by diff id); `init` once both are read (a registry's steps are its
   * config's history).
   */
  private async readSources(): Promise<[ImageAnalysis, ImageAnalysis]> {
    const { engine, index, analyses, registries } = this.deps;
    const sides = [this.state.a, this.state.b];
    const sources = await Promise.all(
      sides.map((side) => (side.source ? openSource(side.source, { registries, engine: async () => engine }) : Promise.resolve(new EngineSource(engine, side.id)))),
    );
    const order = sources[0].kind !== 'engine' && sources[1].kind === 'engine' ? [1, 0] : [0, 1];
    const preferPlatform = index.platform ?? localPlatform();
    const read: ImageAnalysis[] = [];
    await this.withReadProgress(
      {
        title: vscode.l10n.t('Comparing {0} and {1}', this.state.a.title, this.state.b.title),
        total: 0,
        words: {
          waiting: (seconds) => vscode.l10n.t('waiting for the engine to send the images… {0} s', seconds),
          read: (bytes) => bytes,
        },
        post: (bytesRead, total, waitingMs) => this.post({ type: 'progress', bytesRead, total, ...(waitingMs !== undefined ? { waitingMs } : {}) }),
      },
      async (signal, onProgress) => {
        let before = 0;
        for (const i of order) {
          read[i] = await analyzeSource(analyses, sources[i], { preferPlatform, signal, onProgress: (bytes) => onProgress(before + bytes) });
          before += read[i].cost?.bytesRead ?? 0;
        }
      },
    );
    const view = (i: number): SideView => ({
      title: sides[i].title,
      id: read[i].archiveImage.configDigest ?? sides[i].id,
      labels: read[i].labels,
      steps: stepsFromHistory(read[i]),
      origin: sources[i].origin,
    });
    const [a, b] = [read[0].layers.map((l) => l.diffId), read[1].layers.map((l) => l.diffId)];
    let shared = 0;
    while (shared < a.length && shared < b.length && a[shared] === b[shared]) {
      shared++;
    }
    this.post({ type: 'init', state: this.state, a: view(0), b: view(1), sharedLayers: shared });
    return [read[0], read[1]];
  }

  /** Both images as the engine has them: posted as `init` before any export is read. */
  private async describeBoth(): Promise<[Side, Side]> {
    const { engine, index } = this.deps;
    // Sizes are the list's (the one rule of src/engine/imageSizes); without it, inspect's.
    const listed = await engine.listImages().catch(() => []);
    const describe = async (side: { id: string; title: string }): Promise<[Side, SideView]> => {
      const [inspect, stack] = await Promise.all([
        engine.inspectImage(side.id).catch((err: unknown) => {
          if (statusCode(err) === 404) {
            throw new CompareError(vscode.l10n.t('{0} no longer exists on the engine: it was removed meanwhile.', side.title));
          }
          throw err;
        }),
        index.layerStack(side.id, { waitForBases: false }),
      ]);
      const summary = listed.find((i) => i.id === inspect.Id);
      const unpacked = summary ? imageSizes(summary, index.platform).unpacked : inspect.Size;
      const tags = inspect.RepoTags ?? [];
      const steps: StepView[] = stack.steps.map((s) => stepView(s));
      return [
        { id: inspect.Id, title: side.title, exportName: tags.includes(side.title) ? side.title : inspect.Id, diffIds: inspect.RootFS?.Layers ?? [], unpacked },
        {
          title: side.title,
          id: inspect.Id,
          unpacked,
          created: inspect.Created,
          labels: inspect.Config?.Labels ?? {},
          steps,
        },
      ];
    };
    const [[a, viewA], [b, viewB]] = await Promise.all([describe(this.state.a), describe(this.state.b)]);
    let shared = 0;
    while (shared < a.diffIds.length && shared < b.diffIds.length && a.diffIds[shared] === b.diffIds[shared]) {
      shared++;
    }
    this.post({ type: 'init', state: this.state, a: viewA, b: viewB, sharedLayers: shared });
    return [a, b];
  }

  /** Which of the two an archive of the export of both is: by name, by config digest, by layers, else by place. */
  private static matcher(sides: [Side, Side]): (archive: ImageArchive, index: number) => string | undefined {
    const taken = new Set<string>();
    const sameName = (tag: string, name: string) => familiarRepository(tag) === familiarRepository(name);
    return (archive, index) => {
      const free = sides.filter((s) => !taken.has(s.id));
      const found =
        free.find((s) => archive.repoTags.some((t) => sameName(t, s.exportName))) ??
        free.find((s) => archive.configDigest === s.id) ??
        free.find((s) => JSON.stringify(archive.config.rootfs?.diff_ids ?? []) === JSON.stringify(s.diffIds)) ??
        free.find((s) => s === sides[index]) ??
        free[0];
      if (found) {
        taken.add(found.id);
      }
      return found?.id;
    };
  }

  /** Both analyses from one export of both, with a cancellable progress notification. */
  private analyse(a: Side, b: Side): Promise<[ImageAnalysis, ImageAnalysis]> {
    const { analyses: cache, engine, index } = this.deps;
    const cachedA = cache.get(a.id);
    const cachedB = cache.get(b.id);
    if (cachedA && cachedB) {
      return Promise.resolve([cachedA, cachedB]);
    }
    return this.withReadProgress(
      {
        title: vscode.l10n.t('Comparing {0} and {1}', this.state.a.title, this.state.b.title),
        // At most what the export of both weighs: what they share comes once.
        total: a.unpacked + b.unpacked,
        words: {
          waiting: (seconds) => vscode.l10n.t('waiting for the engine to send the images… {0} s', seconds),
          read: (bytes, of) => vscode.l10n.t('{0} of at most {1}', bytes, of),
        },
        post: (bytesRead, total, waitingMs) => this.post({ type: 'progress', bytesRead, total, ...(waitingMs !== undefined ? { waitingMs } : {}) }),
      },
      (signal, onProgress) =>
        cache.analyzePair(
          [a.id, b.id],
          () => engine.exportImages([a.exportName, b.exportName]),
          (key) => engine.exportImage(key),
          ComparePanel.matcher([a, b]),
          { preferPlatform: index.platform, signal, onProgress },
        ),
    );
  }
}

/** Brings Compare panels back after a window reload. */
export class ComparePanelSerializer implements vscode.WebviewPanelSerializer<ComparePanelState> {
  constructor(private readonly deps: ComparePanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: ComparePanelState | undefined): Promise<void> {
    // Without both images named there is nothing to show again.
    if (typeof state?.a?.id !== 'string' || typeof state?.b?.id !== 'string') {
      panel.dispose();
      return;
    }
    ComparePanel.restore(this.deps, panel, state);
  }
}
