import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AnalysisCache } from '../analysis/analysisCache';
import { ArchiveError } from '../analysis/archiveReader';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { imageSecrets, secretKindName } from '../analysis/imageSecrets';
import type { Engine } from '../engine/api/engine';
import type { ImageIndex } from '../engine/imageIndex';
import { imagePlatforms, imageSizes } from '../model/imageSizes';
import { statusCode } from '../engine/api/engineError';
import { isCancelled } from '../shared/errors';
import { folderRows, readView, stepView, stepsFromHistory } from './panelViews';
import { packagesView } from './packageViews';
import { Refusal } from './hostChannel';
import { type OpenExport, type PanelDeps, type ReadProgress, StrataPanel } from './strataPanel';
import { SourceError } from '../sources/imageSource';
import { type Registries, analyzeSource, localPlatform, openSource } from '../sources/openSource';
import { RegistryError } from '../sources/registry/registryError';
import type { AnalysisView, FromWebview, GroupView, ImageView, LayersPanelState, ToWebview, TreeRowView } from '../protocol/layersProtocol';

export interface LayersPanelDeps extends PanelDeps {
  /** Registry clients (images read straight from a registry). */
  registries: Registries;
  engine: Engine;
  index: ImageIndex;
  analyses: AnalysisCache;
  /** Runs the image as the Run command does. */
  run(imageReference: string): Promise<unknown>;
  /** The workspace Dockerfile lines that made an image's steps, by history index (base first). */
  dockerfileLines?(imageId: string): Map<number, { file: string; line: number }> | undefined;
}

function toAnalysisView(a: ImageAnalysis): AnalysisView {
  const m = a.metrics;
  return {
    sizeBytes: m.sizeBytes,
    userSizeBytes: m.userSizeBytes,
    efficiency: m.efficiency,
    wastedBytes: m.wastedBytes,
    wastedUserPercent: m.wastedUserPercent,
    layers: a.layers.map((l) => ({ index: l.index, size: l.size, ...l.counts })),
    wastedPaths: m.wastedPaths.slice(0, 50).map((w) => ({ path: w.path, count: w.count, size: w.cumulativeSize, layers: w.layers })),
    // What and where only: the value never leaves the layer pass.
    secrets: imageSecrets(a).map((s) => ({
      kind: s.kind,
      name: secretKindName(s.kind),
      path: s.path,
      line: s.line,
      fingerprint: s.fingerprint,
      layer: s.layer,
      ...(s.hidden ? { hidden: s.hidden } : {}),
    })),
    platform: a.platform,
    attestations: a.attestations,
    ...(a.cost ? { read: readView(a.cost) } : {}),
    packages: packagesView(a),
  };
}

/**
 * The Layers panel: one image drawn as a stack, base at the bottom, with each layer's
 * files. One panel per image (shown again if already open); restored after a reload.
 */
export class LayersPanel extends StrataPanel<LayersPanelState, ToWebview, FromWebview> {
  static readonly viewType = 'strata.layers';
  private static readonly open = new Map<string, LayersPanel>();
  private analysis: ImageAnalysis | undefined;
  /** An image's analysis, started when the panel opens (the export's first byte can take seconds). */
  private analysisRun: Promise<ImageAnalysis> | undefined;
  /** A layer to select once the stack is drawn (a Dockerfile lens opened the panel). */
  private pendingSelect: number | undefined;
  private initPosted = false;

  static show(deps: LayersPanelDeps, state: LayersPanelState): LayersPanel {
    return (
      StrataPanel.reveal(LayersPanel.open, state.key) ??
      new LayersPanel(deps, StrataPanel.createWebviewPanel(LayersPanel.viewType, vscode.l10n.t('Layers: {0}', state.title), deps.extensionUri), state)
    );
  }

  static restore(deps: LayersPanelDeps, panel: vscode.WebviewPanel, state: LayersPanelState): LayersPanel {
    // The user's place (`state.place`) is the webview's: its getState() gives it back. The
    // host keeps what names the panel, so that `init` never hands an old place back.
    const { key, kind, title } = state;
    return new LayersPanel(deps, panel, { key, kind, title });
  }

  /** Selects a layer: now if the stack is drawn, else as soon as it is. */
  selectLayer(layer: number): void {
    if (this.initPosted) {
      this.channel.post({ type: 'select', layer });
    } else {
      this.pendingSelect = layer;
    }
  }

  private constructor(
    private readonly deps: LayersPanelDeps,
    panel: vscode.WebviewPanel,
    state: LayersPanelState,
  ) {
    super(deps, panel, state, LayersPanel.open, { title: 'Layers', styles: [['media', 'layers.css']], script: ['dist', 'layers.js'] }, {
      notices: {
        ready: () => this.load(),
        retry: () => this.load(),
        run: () => (this.state.kind === 'image' ? this.deps.run(this.state.title) : undefined),
        // Through the command, so that its failures are reported as every command's are.
        openFile: (m) =>
          vscode.commands.executeCommand(m.compare ? 'strata.layerFile.compareWithPrevious' : 'strata.layerFile.open', {
            image: this.state.key,
            name: this.state.title,
            layer: m.layer + 1,
            path: m.path,
            panelColumn: this.panel.viewColumn,
          }),
        openDockerfile: async (m) => {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.file));
          const at = new vscode.Position(m.line, 0);
          await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), viewColumn: vscode.ViewColumn.Beside });
        },
      },
      requests: {
        listChildren: (m) => ({ type: 'children', rows: this.children(m) }),
      },
      unexpected: (err) => vscode.l10n.t('The files could not be listed: {0}.', err instanceof Error ? err.message : String(err)),
    });
    if (state.kind === 'image') {
      // Not waiting for the webview to load: the export starts at once (its failure is
      // reported when the webview has loaded and asks).
      this.imageAnalysis().catch(() => undefined);
    }
  }

  /** The rows of one folder of a layer's tree; a sentence when it cannot be listed. */
  private children({ layer, mode, path: folder, sort, filter }: Extract<FromWebview, { type: 'listChildren' }>): TreeRowView[] {
    const analysis = this.analysis;
    if (!analysis) {
      throw new Refusal(vscode.l10n.t('The files are not ready yet: the image is still being analysed.'));
    }
    const count = analysis.layers.length;
    if (!Number.isInteger(layer) || layer < 0 || layer >= count) {
      const asked = Number.isInteger(layer) ? layer + 1 : String(layer);
      throw new Refusal(count ? vscode.l10n.t('This image has no layer {0}: it has {1}, numbered 1 to {1}.', asked, count) : vscode.l10n.t('This image has no layer {0}: it has none.', asked));
    }
    if (mode !== 'changes' && mode !== 'filesystem') {
      throw new Refusal(vscode.l10n.t('"{0}" is not a way to show files: choose the changes or the whole filesystem.', String(mode)));
    }
    return folderRows(analysis.tree(layer, mode), folder, sort, filter, 'name', () =>
      mode === 'changes' ? vscode.l10n.t('/{0} is not among the changes of layer {1}.', folder, layer + 1) : vscode.l10n.t('/{0} is not among the files up to layer {1}.', folder, layer + 1),
    );
  }

  /** The image's analysis: one run per panel, started again only after it failed. */
  private imageAnalysis(): Promise<ImageAnalysis> {
    if (!this.analysisRun) {
      const { index, engine } = this.deps;
      const id = this.state.key;
      const run = (async () => {
        // The list the tree has shown gives the size to report progress against and whether
        // the export must be asked for one platform (a multi-platform image).
        const summary = (await index.current()).find((i) => i.id === id);
        const sizes = summary ? imageSizes(summary, index.platform) : undefined;
        const multiPlatform = summary ? imagePlatforms(summary).filter((p) => p.available).length > 1 : false;
        return this.analyse(sizes?.content ?? sizes?.unpacked ?? 0, () => engine.exportImage(id, multiPlatform ? sizes?.platform : undefined), index.platform);
      })();
      run.catch(() => this.analysisRun === run && (this.analysisRun = undefined));
      this.analysisRun = run;
    }
    return this.analysisRun;
  }

  private async load(): Promise<void> {
    try {
      if (this.state.kind === 'image') {
        await this.loadImage();
      } else {
        await this.loadSource();
      }
    } catch (err) {
      this.channel.post({ type: 'error', message: this.describe(err) });
    }
  }

  private describe(err: unknown): string {
    if (isCancelled(err)) {
      return vscode.l10n.t('The analysis was cancelled: Retry reads the image again.');
    }
    if (err instanceof ArchiveError) {
      return vscode.l10n.t('The image could not be analysed: {0}.', err.message);
    }
    // A registry's or a layout's trouble is said in its own sentence, naming it.
    if (err instanceof RegistryError || err instanceof SourceError) {
      return err.message;
    }
    // An archive's trouble is the file's, never the engine's.
    if (this.state.kind === 'archive') {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? vscode.l10n.t('{0} no longer exists: it was moved or deleted. Open the archive again (Analyze Image Archive…).', this.state.key)
        : vscode.l10n.t('{0} could not be read ({1}).', this.state.key, code ?? (err instanceof Error ? err.message : String(err)));
    }
    if (statusCode(err) === 404) {
      return vscode.l10n.t('{0} no longer exists on the engine: it was removed meanwhile.', this.state.title);
    }
    return this.deps.engine.describeError(err).message;
  }

  private async loadImage(): Promise<void> {
    const { index, engine } = this.deps;
    const id = this.state.key;
    // The same figures as the Images view: the list's, by the one rule (inspect's Size
    // means compressed content on the containerd store, unpacked on the classic one); with
    // the shared size, which the panel alone asks the engine to work out.
    const [inspect, stack, listed] = await Promise.all([engine.inspectImage(id), index.layerStack(id), engine.listImages({ sharedSize: true })]);
    const summary = listed.find((i) => i.id === id);
    const sizes = summary ? imageSizes(summary, index.platform) : { unpacked: inspect.Size };
    const platforms = summary ? imagePlatforms(summary) : [];
    const image: ImageView = {
      title: this.state.title,
      id,
      sizes: { unpacked: sizes.unpacked, content: sizes.content, shared: sizes.shared },
      ...(platforms.length > 1 ? { platform: sizes.platform, platforms: platforms.map((p) => (p.available ? p.platform : vscode.l10n.t('{0} (listed only)', p.platform))) } : {}),
      created: inspect.Created,
      builtOn: stack.builtOn?.name,
      labels: inspect.Config?.Labels ?? {},
      runnable: true,
      origin: vscode.l10n.t('from the engine {0}', engine.name),
    };
    const lines = this.deps.dockerfileLines?.(id);
    const groups: GroupView[] = stack.groups.map((g) => ({ base: g.base?.name, steps: g.steps.map((s) => stepView(s, lines?.get(s.index))) }));
    this.channel.post({ type: 'init', state: this.state, image, groups });
    this.initPosted = true;
    if (this.pendingSelect !== undefined) {
      this.channel.post({ type: 'select', layer: this.pendingSelect });
      this.pendingSelect = undefined;
    }
    // The platform the engine runs, as shown; a multi-platform export is asked for it alone where the engine can.
    const analysis = await this.imageAnalysis();
    this.analysis = analysis;
    this.channel.post({ type: 'analysis', analysis: toAnalysisView(analysis) });
  }

  /**
   * An image that is not on the engine (an archive, a registry, an OCI layout): drawn from
   * its config's history once read, named with where it was read from.
   */
  private async loadSource(): Promise<void> {
    const source = await openSource(this.state.kind === 'archive' ? { kind: 'file', path: this.state.key, text: this.state.key } : this.state.key, {
      registries: this.deps.registries,
      engine: async () => this.deps.engine,
    });
    const shown = (analysis?: ImageAnalysis): ImageView => ({
      title: this.state.title,
      labels: analysis?.labels ?? {},
      runnable: false,
      origin: source.origin,
      ...(analysis && analysis.platforms.length > 1
        ? { platform: analysis.platform, platforms: analysis.platforms.map((p) => (p.present ? p.platform : vscode.l10n.t('{0} (listed only)', p.platform))) }
        : {}),
    });
    this.channel.post({ type: 'init', state: this.state, image: shown(), groups: [] });
    const size = source.kind === 'archive' ? (await fs.promises.stat(this.state.key)).size : 0;
    const analysis = await this.withReadProgress(this.progress(size), (signal, onProgress) =>
      analyzeSource(this.deps.analyses, source, { preferPlatform: this.deps.index.platform ?? localPlatform(), signal, onProgress }),
    );
    this.analysis = analysis;
    this.channel.post({ type: 'init', state: this.state, image: shown(analysis), groups: [{ steps: stepsFromHistory(analysis) }] });
    this.channel.post({ type: 'analysis', analysis: toAnalysisView(analysis) });
  }

  /** What the read's notification and the page say: bytes read of `total` (0: unknown), or the wait for the engine. */
  private progress(total: number): ReadProgress {
    return {
      title: vscode.l10n.t('Analysing {0}', this.state.title),
      total,
      words: {
        waiting: (seconds) => vscode.l10n.t('waiting for the engine to send the image… {0} s', seconds),
        read: (bytes, of) => vscode.l10n.t('{0} of about {1}', bytes, of),
      },
      post: (bytesRead, of, waitingMs) => this.channel.post({ type: 'progress', bytesRead, total: of, ...(waitingMs !== undefined ? { waitingMs } : {}) }),
    };
  }

  /** Reads the export with a cancellable progress notification (bytes read of the total). */
  private analyse(total: number, open: OpenExport, preferPlatform?: string, cacheKey = this.state.key): Promise<ImageAnalysis> {
    const cached = this.deps.analyses.get(cacheKey);
    if (cached) {
      return Promise.resolve(cached);
    }
    return this.withReadProgress(this.progress(total), (signal, onProgress) => this.deps.analyses.analyze(cacheKey, open, { preferPlatform, signal, onProgress }));
  }

  /** The state saved with the panel, for the serializer. */
  static stateOf(key: string, kind: LayersPanelState['kind'], title: string): LayersPanelState {
    return { key, kind, title: kind === 'archive' ? path.basename(title) : title };
  }
}

/** Brings Layers panels back after a window reload. */
export class LayersPanelSerializer implements vscode.WebviewPanelSerializer<LayersPanelState> {
  constructor(private readonly deps: LayersPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: LayersPanelState | undefined): Promise<void> {
    // The state is what the webview last saved (its place included); without a key and kind
    // there is nothing to show again.
    if (!state?.key || (state.kind !== 'image' && state.kind !== 'archive' && state.kind !== 'registry')) {
      panel.dispose();
      return;
    }
    LayersPanel.restore(this.deps, panel, state);
  }
}
