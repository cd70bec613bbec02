/**
 * Everything the extension is made of, built once at activation (src/extension.ts) and
 * handed to the views, panels and commands, each of which declares the narrow part it
 * needs (`RunDeps`, `LayersPanelDeps`…). `engine` is the one place that says which engine
 * is active now: every call asks it at the time of the call, so a switch needs no rewiring.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { AnalysisCache } from '../analysis/analysisCache';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { CompareSelection } from '../commands/layers/compareImages';
import { showLayerOf, showSourceLayers } from '../commands/layers/showLayers';
import { reportFailure } from '../commands/registerCommand';
import { RunHistory } from '../commands/run/runHistory';
import { runImageReference } from '../commands/run/runImage';
import type { EngineRef } from '../engine/activeEngine';
import type { Engine } from '../engine/api/engine';
import { ImageIndex } from '../engine/imageIndex';
import { PreviousBuildFinder } from '../model/previousBuild';
import { Settings, affectsRegistries } from './settings';
import { LayerCache, defaultCacheDir } from '../sources/layerCache';
import { Registries, localPlatform } from '../sources/openSource';
import type { ShellTerminal } from '../views/containers/shellTerminal';
import { ContainerLogs } from '../views/containers/containerLogs';
import { ContainersTreeProvider } from '../views/containers/containersTreeProvider';
import { DockerfileInsight } from '../views/dockerfileInsight';
import { EngineSelection } from '../views/engines/engineSelection';
import { EngineStatus } from '../views/engines/engineStatus';
import { ImagesTreeProvider } from '../views/images/imagesTreeProvider';
import { RegistriesTreeProvider } from '../views/registries/registriesTreeProvider';
import { loggedInRegistries } from '../engine/connect/registryLogins';
import { type KnownRegistry, knownRegistries } from '../model/registries';
// Files of a layer (issue 18).
import { LayerImages } from '../editors/layerImages';
import { LayerBlobs, defaultLayersDir } from '../sources/layerBlobs';
import { LayerFiles } from '../sources/layerFiles';

/**
 * Its callbacks are bound (arrow properties): the parts take them out of it
 * (`const { revealContainer } = deps`) and call them later.
 */
export class Workbench implements EngineRef {
  readonly settings = new Settings();
  readonly index: ImageIndex;
  readonly status: EngineStatus;
  readonly analyses: AnalysisCache;
  /** Which tagged images have a previous build still on the engine (Compare with Previous Build). */
  readonly previousBuilds: PreviousBuildFinder;
  readonly history: RunHistory;
  readonly logs: ContainerLogs;
  readonly images: ImagesTreeProvider;
  readonly containers: ContainersTreeProvider;
  readonly imagesView: vscode.TreeView<unknown>;
  readonly containersView: vscode.TreeView<unknown>;
  /** Dockerfiles next to the images built from them: lenses, hovers, wasted-space problems. */
  readonly insight: DockerfileInsight;
  readonly compareSelection = new CompareSelection();
  /** Registry clients, with the settings' insecure registries and CAs (read again after a change). */
  readonly registries: Registries;
  /** The Registries view: the registries of the docker CLI's logins and the setting, their repositories and tags. */
  readonly registriesTree: RegistriesTreeProvider;
  readonly registriesView: vscode.TreeView<unknown>;
  /** Images whose layers' files the editors open (the strata-layer: file system), their layer blobs kept on disk. */
  readonly layerImages: LayerImages;
  private readonly terminalOpened = new vscode.EventEmitter<{ terminal: vscode.Terminal; pty: ShellTerminal }>();
  /** Each terminal Attach Shell or Run Interactive opens, with its pseudoterminal. */
  readonly onDidOpenTerminal = this.terminalOpened.event;
  /** Sees every message a panel posts: set by the test-only API (src/activation/testApi.ts), never otherwise. */
  observePanel?: (panel: { viewType: string; key: string }, message: unknown) => void;
  /** Files the user agreed to open although they are over the limit (the file system reads them whole). */
  private readonly openAnyway = new Map<string, number>();

  /** Builds every service; asks no engine anything (the views do when they are first drawn). */
  static async create(context: vscode.ExtensionContext): Promise<Workbench> {
    const log = vscode.window.createOutputChannel('Strata', { log: true });
    context.subscriptions.push(log);
    // The user's choice for this workspace, else the docker CLI's (see README).
    const selection = await EngineSelection.create(context.workspaceState, log);
    return new Workbench(context, log, selection);
  }

  private constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    readonly selection: EngineSelection,
  ) {
    const settings = this.settings;
    this.index = new ImageIndex(this);
    this.status = new EngineStatus(this, log);
    // The analyses kept on disk are shared with the CLI and every other window.
    const kept = new LayerCache(defaultCacheDir(), () => settings.cacheMaxBytes());
    this.analyses = new AnalysisCache(
      () => settings.analysisCacheBytes(),
      kept,
      (err) => log.warn(err instanceof Error ? err.message : String(err)),
    );
    this.registries = new Registries(() => ({
      insecure: settings.insecureRegistries(),
      ca: settings.registryCaFiles().flatMap((file) => {
        try {
          return [fs.readFileSync(file)];
        } catch (err) {
          log.warn(`The registry CA file ${file} (strata.registryCaFiles) cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
          return [];
        }
      }),
    }));
    context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => affectsRegistries(e) && this.registries.reset()));
    // Layer blobs sit beside the analyses, held to the same setting on their own.
    this.layerImages = new LayerImages({
      analyses: this.analyses,
      registries: this.registries,
      engine: () => this.engine,
      platform: () => this.index.platform ?? localPlatform(),
      files: new LayerFiles(new LayerBlobs(defaultLayersDir(), () => settings.cacheMaxBytes())),
    });
    this.previousBuilds = new PreviousBuildFinder(this.index);
    this.history = new RunHistory(context.globalState);
    this.images = new ImagesTreeProvider(
      this.index,
      this.status,
      {
        showDangling: () => settings.showDangling(),
        sortBy: () => settings.sortBy(),
        showMetadataSteps: () => settings.showMetadataSteps(),
        analysedLayerSizes: (imageId) => this.analyses.get(imageId)?.layerSizes(),
        analysedLayerPackages: (imageId) => this.analyses.get(imageId)?.layerPackages(),
        registries: () => this.knownRegistries(),
      },
      this.previousBuilds,
    );
    this.containers = new ContainersTreeProvider(this, this.status);
    this.logs = new ContainerLogs(this, { timestamps: () => settings.logTimestamps(), markStderr: () => settings.markStderr() });
    this.containersView = vscode.window.createTreeView('strata.containers', { treeDataProvider: this.containers });
    this.imagesView = vscode.window.createTreeView('strata.images', { treeDataProvider: this.images, showCollapseAll: true });
    this.registriesTree = new RegistriesTreeProvider({
      knownRegistries: () => this.knownRegistries(),
      client: (address) => this.registries.client(address),
      platform: () => this.index.platform ?? localPlatform(),
    });
    this.registriesView = vscode.window.createTreeView('strata.registries', { treeDataProvider: this.registriesTree, showCollapseAll: true });
    this.insight = new DockerfileInsight({
      index: this.index,
      analyses: this.analyses,
      analyze: (imageId) => this.analyzeForDockerfile(imageId),
      settings: { severity: () => settings.wasteSeverity(), secretSeverity: () => settings.secretsSeverity(), threshold: () => settings.wasteThreshold(), analyze: () => settings.analyzeForDockerfiles() },
    });
    context.subscriptions.push(
      selection,
      this.status,
      this.images,
      this.containers,
      this.logs,
      this.containersView,
      this.imagesView,
      this.registriesTree,
      this.registriesView,
      this.insight,
      this.terminalOpened,
    );
  }

  get engine(): Engine {
    return this.selection.active.engine;
  }

  get extensionUri(): vscode.Uri {
    return this.context.extensionUri;
  }

  /** The registries the Registries view lists: the docker CLI's logins (read now: a docker login shows at once) and the setting's. */
  readonly knownRegistries = (): KnownRegistry[] => {
    return knownRegistries(loggedInRegistries(), this.settings.registries());
  };

  /** Both views drawn again (after a change the engine's events may not tell at once). */
  readonly refreshViews = (): void => {
    this.images.refresh();
    this.containers.refresh();
  };

  /** Shows a container in the Containers view, selected. */
  readonly revealContainer = async (id: string): Promise<void> => {
    await vscode.commands.executeCommand('strata.containers.focus');
    this.containers.refresh();
    await this.containers.getChildren();
    const node = this.containers.nodeFor(id);
    if (node) {
      await this.containersView.reveal(node, { select: true, focus: true });
    }
  };

  /** Runs an image as the Run command does (the Layers panel's Run button); failures reported as every command's are. */
  readonly run = (reference: string): Promise<unknown> => {
    return runImageReference(this, reference).catch((err: unknown) => reportFailure(err, this.reporting));
  };

  /** How every failure is put in words: by the active engine's rules, logged in the Strata log. */
  get reporting(): { describe(err: unknown): string; log: vscode.LogOutputChannel } {
    return { describe: (err) => this.engine.describeError(err).message, log: this.log };
  }

  /** Opens one image's Layers panel (Compare's "Show Layers" on a side): a side read from a source is read from it again, not asked of the engine. */
  readonly showLayers = (imageId: string, title: string, source?: string): unknown => {
    return source ? showSourceLayers(this, source, title) : showLayerOf(this, imageId, title);
  };

  /** The workspace Dockerfile lines that made an image's steps (the Layers panel's "Go to Dockerfile line"). */
  readonly dockerfileLines = (imageId: string): Map<number, { file: string; line: number }> | undefined => {
    return this.insight.linesOf(imageId);
  };

  /** The size above which a file asks before it opens; a file the user agreed to open has its own. */
  readonly openLimit = (uri?: vscode.Uri): number => {
    return (uri && this.openAnyway.get(uri.toString())) ?? this.settings.openLimit();
  };

  readonly allowOpen = (uri: vscode.Uri, size: number): void => {
    this.openAnyway.set(uri.toString(), size);
  };

  readonly onTerminal = (terminal: vscode.Terminal, pty: ShellTerminal): void => {
    this.terminalOpened.fire({ terminal, pty });
  };

  /** An image's export read for its Dockerfile's lenses; undefined (and logged) when it cannot be. */
  private analyzeForDockerfile(imageId: string): Promise<ImageAnalysis | undefined> {
    return this.analyses.analyze(imageId, () => this.engine.exportImage(imageId), { preferPlatform: this.index.platform }).catch((err: unknown) => {
      this.log.warn(`The image ${imageId.slice(0, 19)} could not be analysed for its Dockerfile: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
  }
}
