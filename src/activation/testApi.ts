/**
 * What the extension-host tests may look into, handed out by activate() only when VS Code
 * runs the extension's tests (ExtensionMode.Test); a user's VS Code gets nothing.
 */
import * as vscode from 'vscode';
import type { AnalysisCache } from '../analysis/analysisCache';
import type { ActiveEngine } from '../engine/activeEngine';
import type { ImageIndex } from '../engine/imageIndex';
import type { PreviousBuildFinder } from '../model/previousBuild';
import type { ContainerLogs } from '../views/containers/containerLogs';
import type { ContainersTreeProvider } from '../views/containers/containersTreeProvider';
import type { ShellTerminal } from '../views/containers/shellTerminal';
import type { DockerfileInsight } from '../views/dockerfileInsight';
import type { LayerImages } from '../editors/layerImages';
import type { EngineSelection } from '../views/engines/engineSelection';
import type { EngineStatus } from '../views/engines/engineStatus';
import type { EngineStatusBar } from '../views/engines/engineStatusBar';
import type { ImagesTreeProvider } from '../views/images/imagesTreeProvider';
import type { RegistriesTreeProvider } from '../views/registries/registriesTreeProvider';
import type { RegisteredViews } from './registerViews';
import type { Workbench } from './workbench';

export interface StrataTestApi {
  readonly active: ActiveEngine;
  readonly selection: EngineSelection;
  readonly statusBar: EngineStatusBar;
  readonly imagesView: vscode.TreeView<unknown>;
  readonly containersView: vscode.TreeView<unknown>;
  readonly registriesView: vscode.TreeView<unknown>;
  readonly registries: RegistriesTreeProvider;
  readonly insight: DockerfileInsight;
  readonly index: ImageIndex;
  readonly images: ImagesTreeProvider;
  readonly containers: ContainersTreeProvider;
  readonly logs: ContainerLogs;
  readonly status: EngineStatus;
  readonly analyses: AnalysisCache;
  readonly previousBuilds: PreviousBuildFinder;
  /** The images the strata-layer: editors read files of (issue 18: how long a file takes, apart from the workbench's part). */
  readonly layerImages: LayerImages;
  /** Each terminal Attach Shell or Run Interactive opens, with its pseudoterminal. */
  readonly onDidOpenTerminal: vscode.Event<{ terminal: vscode.Terminal; pty: ShellTerminal }>;
  /** Every message a Layers or Compare panel posts to its webview. */
  readonly onDidPostToPanel: vscode.Event<{ viewType: string; key: string; message: unknown }>;
}

export function testApi(w: Workbench, views: RegisteredViews): StrataTestApi {
  const posted = new vscode.EventEmitter<{ viewType: string; key: string; message: unknown }>();
  w.context.subscriptions.push(posted);
  w.observePanel = (panel, message) => posted.fire({ ...panel, message });
  return {
    active: w.selection.active,
    selection: w.selection,
    statusBar: views.statusBar,
    imagesView: w.imagesView,
    containersView: w.containersView,
    registriesView: w.registriesView,
    registries: w.registriesTree,
    insight: w.insight,
    index: w.index,
    images: w.images,
    containers: w.containers,
    logs: w.logs,
    status: w.status,
    analyses: w.analyses,
    previousBuilds: w.previousBuilds,
    layerImages: w.layerImages,
    onDidOpenTerminal: w.onDidOpenTerminal,
    onDidPostToPanel: posted.event,
  };
}
