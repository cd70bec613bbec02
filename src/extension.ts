import * as vscode from 'vscode';
import { AnalysisCache } from './analysis/analysisCache';
import { analyzeArchive } from './commands/layers/analyzeArchive';
import { CompareSelection, compareImages, compareWith, compareWithPrevious, compareWithSelected, selectForCompare } from './commands/layers/compareImages';
import { changeContainerState } from './commands/containers/containerLifecycle';
import { copyContainerId } from './commands/containers/copyContainerId';
import { copyFullTag } from './commands/images/copyFullTag';
import { copyImageId } from './commands/images/copyImageId';
import { attachShell, downloadContainerPath, openContainerFile, runInteractive } from './commands/containers/insideContainers';
import { inspectContainer } from './commands/containers/inspectContainer';
import { inspectImage } from './commands/images/inspectImage';
import { openInBrowser } from './commands/containers/openInBrowser';
import { refresh } from './commands/engines/refresh';
import { prune, pullImage, pushImage, tagImage } from './commands/registries/registryCommands';
import { removeContainer } from './commands/containers/removeContainer';
import { removeImage } from './commands/images/removeImage';
import { RunHistory } from './commands/run/runHistory';
import { runImage, runImageReference } from './commands/run/runImage';
import { runAgain, runImageWithOptions } from './commands/run/runImageWithOptions';
import { showContainerLogs } from './commands/containers/showContainerLogs';
import { showEngineError } from './commands/engines/showEngineError';
import { showLayerOf, showLayers } from './commands/layers/showLayers';
import { DockerfileInsight } from './views/dockerfileInsight';
import { switchEngine } from './commands/engines/switchEngine';
import { commandRegistrar, reportFailure } from './commands/registerCommand';
import type { ActiveEngine } from './engine/activeEngine';
import { EngineSelection } from './views/engines/engineSelection';
import { ImageIndex } from './engine/imageIndex';
import type { SortBy } from './model/images';
import { PreviousBuildFinder } from './model/previousBuild';
import { ComparePanel, ComparePanelSerializer } from './panels/comparePanel';
import { LayersPanel, LayersPanelSerializer } from './panels/layersPanel';
import { CONTAINER_FILE_SCHEME, ContainerFileSystem, type ContainerFileNode } from './views/containers/containerFiles';
import { ContainerLogs } from './views/containers/containerLogs';
import type { ContainerNode } from './views/containers/containerNode';
import { ContainersTreeProvider } from './views/containers/containersTreeProvider';
import { EngineStatus } from './views/engines/engineStatus';
import { EngineStatusBar } from './views/engines/engineStatusBar';
import type { ImageNode } from './views/images/imageNode';
import { ImagesTreeProvider } from './views/images/imagesTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './views/images/inspectDocumentProvider';
import { LiveUpdates } from './views/liveUpdates';
import type { ShellTerminal } from './views/containers/shellTerminal';

/** What `activate` returns: the pieces the extension-host tests look into. */
export interface StrataApi {
  readonly active: ActiveEngine;
  readonly selection: EngineSelection;
  readonly statusBar: EngineStatusBar;
  readonly imagesView: vscode.TreeView<unknown>;
  readonly insight: DockerfileInsight;
  readonly containersView: vscode.TreeView<unknown>;
  readonly index: ImageIndex;
  readonly images: ImagesTreeProvider;
  readonly containers: ContainersTreeProvider;
  readonly logs: ContainerLogs;
  readonly status: EngineStatus;
  readonly analyses: AnalysisCache;
  readonly previousBuilds: PreviousBuildFinder;
  /** Each terminal Attach Shell or Run Interactive opens, with its pseudoterminal. */
  readonly onDidOpenTerminal: vscode.Event<{ terminal: vscode.Terminal; pty: ShellTerminal }>;
}

/** The composition root: builds every service once and hands each what it needs. */
export async function activate(context: vscode.ExtensionContext): Promise<StrataApi> {
  const log = vscode.window.createOutputChannel('Strata', { log: true });
  context.subscriptions.push(log);

  // The engine: the user's choice for this workspace, else the docker CLI's (see README).
  const selection = await EngineSelection.create(context.workspaceState, log);
  const active = selection.active;
  const index = new ImageIndex(active);
  const status = new EngineStatus(active, log);
  const config = () => vscode.workspace.getConfiguration('strata');
  const analyses = new AnalysisCache(() => Math.max(16, config().get<number>('analysis.cacheSize', 512)) * 1024 * 1024);
  // Which tagged images have a previous build still on the engine (Compare with Previous Build).
  const previousBuilds = new PreviousBuildFinder(index);
  const images = new ImagesTreeProvider(
    index,
    status,
    {
      showDangling: () => config().get<boolean>('images.showDangling', false),
      sortBy: () => config().get<SortBy>('images.sortBy', 'created'),
      showMetadataSteps: () => config().get<boolean>('layers.showMetadataSteps', true),
      analysedLayerSizes: (imageId) => analyses.get(imageId)?.layerSizes(),
    },
    previousBuilds,
  );
  // An analysis done: its layers' sizes in the tree come from it now.
  context.subscriptions.push(analyses.onDidAnalyze(() => images.refresh()));
  const containers = new ContainersTreeProvider(active, status);
  const logs = new ContainerLogs(active, {
    timestamps: () => config().get<boolean>('logs.timestamps', false),
    markStderr: () => config().get<boolean>('logs.markStderr', true),
  });
  const containersView = vscode.window.createTreeView('strata.containers', { treeDataProvider: containers });
  const imagesView = vscode.window.createTreeView('strata.images', { treeDataProvider: images, showCollapseAll: true });
  // Live CPU and memory only while the Containers view is shown.
  containers.setVisible(containersView.visible);
  context.subscriptions.push(containersView.onDidChangeVisibility((e) => containers.setVisible(e.visible)));
  const liveUpdates = new LiveUpdates(
    active,
    index,
    {
      images: () => {
        images.refresh();
        void insight?.refreshAll(true);
      },
      containers: () => containers.refresh(),
      containerStarted: (id) => logs.containerStarted(id),
      imageRemoved: (id) => analyses.forget(id),
      containerRemoved: (id) => logs.containerRemoved(id),
    },
    log,
  );
  const statusBar = new EngineStatusBar(selection, status);
  // Both views name the engine they show.
  const describeViews = () => {
    imagesView.description = selection.choice.candidate.name;
    containersView.description = selection.choice.candidate.name;
  };
  describeViews();
  context.subscriptions.push(
    selection,
    status,
    images,
    containers,
    logs,
    containersView,
    imagesView,
    liveUpdates,
    statusBar,
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(active)),
  );
  const openLimit = () => Math.max(0, config().get<number>('files.openLimit', 10 * 1024 * 1024));
  // Files the user agreed to open although they are over the limit (the provider reads them whole).
  const openAnyway = new Map<string, number>();
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(
      CONTAINER_FILE_SCHEME,
      new ContainerFileSystem(active, (uri) => openAnyway.get(uri.toString()) ?? openLimit()),
      { isReadonly: true, isCaseSensitive: true },
    ),
  );
  const terminalOpened = new vscode.EventEmitter<{ terminal: vscode.Terminal; pty: ShellTerminal }>();
  context.subscriptions.push(terminalOpened);
  const insideDeps = {
    get engine() {
      return active.engine;
    },
    index,
    openLimit,
    allowOpen: (uri: vscode.Uri, size: number) => openAnyway.set(uri.toString(), size),
    onTerminal: (terminal: vscode.Terminal, pty: ShellTerminal) => terminalOpened.fire({ terminal, pty }),
  };
  const registryDeps = {
    get engine() {
      return active.engine;
    },
    index,
    onChanged: () => {
      images.refresh();
      containers.refresh();
    },
  };

  // The one error path of every command (src/commands/registerCommand.ts).
  const reporting = { describe: (err: unknown) => active.engine.describeError(err).message, log };
  const runDeps = {
    get engine() {
      return active.engine;
    },
    index,
    logs,
    history: new RunHistory(context.globalState),
    async revealContainer(id: string) {
      await vscode.commands.executeCommand('strata.containers.focus');
      containers.refresh();
      await containers.getChildren();
      const node = containers.nodeFor(id);
      if (node) {
        await containersView.reveal(node, { select: true, focus: true });
      }
    },
  };
  const panelDeps = {
    extensionUri: context.extensionUri,
    get engine() {
      return active.engine;
    },
    index,
    cache: analyses,
    // The panel's Run button: failures reported as every command's are.
    run: (reference: string) => runImageReference(runDeps, reference).catch((err: unknown) => reportFailure(err, reporting)),
    dockerfileLines: (imageId: string) => insight.linesOf(imageId),
  };
  const compareSelection = new CompareSelection();
  const compareDeps = {
    extensionUri: context.extensionUri,
    get engine() {
      return active.engine;
    },
    index,
    cache: analyses,
    selection: compareSelection,
    previousBuilds,
    showLayers: (imageId: string, title: string) => showLayerOf(panelDeps, imageId, title),
  };
  // Dockerfiles next to the images built from them: lenses, hovers, wasted-space diagnostics.
  const severities: Record<string, vscode.DiagnosticSeverity> = {
    error: vscode.DiagnosticSeverity.Error,
    warning: vscode.DiagnosticSeverity.Warning,
    information: vscode.DiagnosticSeverity.Information,
    hint: vscode.DiagnosticSeverity.Hint,
  };
  const insight = new DockerfileInsight({
    index,
    analyses,
    analyze: (imageId) =>
      analyses
        .analyze(imageId, () => active.engine.exportImage(imageId), { preferPlatform: index.platform })
        .catch((err: unknown) => {
          log.warn(`The image ${imageId.slice(0, 19)} could not be analysed for its Dockerfile: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }),
    settings: {
      severity: () => severities[config().get<string>('dockerfile.wasteSeverity', 'warning')] ?? vscode.DiagnosticSeverity.Warning,
      threshold: () => config().get<number>('dockerfile.wasteThreshold', 1_000_000),
      analyze: () => config().get<boolean>('dockerfile.analyzeImages', true),
    },
  });
  context.subscriptions.push(insight);
  const reload = () => refresh(images, containers);
  // A switch: the new engine's events, nothing cached from the old one, both views anew.
  context.subscriptions.push(
    active.onDidSwitch((engine) => {
      index.clear();
      analyses.clear();
      previousBuilds.forget();
      // An image selected on the old engine names nothing on the new one.
      void compareSelection.select(undefined);
      status.reset();
      liveUpdates.restart();
      logs.engineSwitched(engine.name);
      describeViews();
      reload();
    }),
  );
  const command = commandRegistrar(reporting);
  context.subscriptions.push(
    command('strata.refresh', reload),
    command('strata.showEngineError', () => showEngineError(status, reload)),
    command('strata.switchEngine', () => switchEngine(selection)),
    command('strata.image.copyFullTag', (node?: ImageNode) => copyFullTag(index, node)),
    command('strata.image.copyId', (node?: ImageNode) => copyImageId(index, node)),
    command('strata.image.inspect', (node?: ImageNode) => inspectImage(index, node)),
    command('strata.image.remove', (node?: ImageNode) =>
      removeImage({ engine: active.engine, index, onRemoved: () => images.refresh(), revealContainer: runDeps.revealContainer }, node),
    ),
    // The palette's "Run Image…" asks which image; the tree's "Run" is given it.
    command('strata.runImage', () => runImage(runDeps)),
    command('strata.image.run', (node?: ImageNode) => runImage(runDeps, node)),
    command('strata.runImageWithOptions', () => runImageWithOptions(runDeps)),
    command('strata.image.runWithOptions', (node?: ImageNode) => runImageWithOptions(runDeps, node)),
    command('strata.image.runAgain', (node?: ImageNode) => runAgain(runDeps, node)),
    command('strata.showLayers', () => showLayers(panelDeps)),
    command('strata.image.showLayers', (node?: ImageNode) => showLayers(panelDeps, node)),
    command('strata.dockerfile.showLayer', (imageId: string, title: string, layer?: number) => showLayerOf(panelDeps, imageId, title, layer)),
    command('strata.analyzeArchive', (uri?: vscode.Uri) => analyzeArchive(panelDeps, uri)),
    vscode.window.registerWebviewPanelSerializer(LayersPanel.viewType, new LayersPanelSerializer(panelDeps)),
    command('strata.compareImages', () => compareImages(compareDeps)),
    command('strata.image.selectForCompare', (node?: ImageNode) => selectForCompare(compareDeps, node)),
    command('strata.image.compareWithSelected', (node?: ImageNode) => compareWithSelected(compareDeps, node)),
    command('strata.image.compareWith', (node?: ImageNode) => compareWith(compareDeps, node)),
    command('strata.image.compareWithPrevious', (node?: ImageNode) => compareWithPrevious(compareDeps, node)),
    vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, new ComparePanelSerializer(compareDeps)),
    command('strata.container.start', (node?: ContainerNode) => changeContainerState(active.engine, 'start', node)),
    command('strata.container.stop', (node?: ContainerNode) => changeContainerState(active.engine, 'stop', node)),
    command('strata.container.restart', (node?: ContainerNode) => changeContainerState(active.engine, 'restart', node)),
    command('strata.container.remove', (node?: ContainerNode) => removeContainer(active.engine, node)),
    command('strata.container.showLogs', (node?: ContainerNode) => showContainerLogs(logs, node)),
    command('strata.container.copyId', (node?: ContainerNode) => copyContainerId(node)),
    command('strata.container.openInBrowser', (node?: ContainerNode) => openInBrowser(node)),
    command('strata.container.inspect', (node?: ContainerNode) => inspectContainer(node)),
    command('strata.attachShell', () => attachShell(insideDeps)),
    command('strata.container.attachShell', (node?: ContainerNode) => attachShell(insideDeps, node)),
    command('strata.image.runInteractive', (node?: ImageNode) => runInteractive(insideDeps, node)),
    command('strata.containerFile.open', (node?: ContainerFileNode) => openContainerFile(insideDeps, node)),
    command('strata.containerFile.download', (node?: ContainerFileNode) => downloadContainerPath(insideDeps, node)),
    command('strata.pullImage', (reference?: string) => pullImage(registryDeps, typeof reference === 'string' ? reference : undefined)),
    command('strata.image.tag', (node?: ImageNode) => tagImage(registryDeps, node)),
    command('strata.image.push', (node?: ImageNode) => pushImage(registryDeps, node)),
    command('strata.prune', () => prune(registryDeps)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('strata.images') || e.affectsConfiguration('strata.layers')) {
        images.refresh();
      }
    }),
  );

  return {
    active,
    selection,
    statusBar,
    imagesView,
    containersView,
    insight,
    index,
    images,
    containers,
    logs,
    status,
    analyses,
    previousBuilds,
    onDidOpenTerminal: terminalOpened.event,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
