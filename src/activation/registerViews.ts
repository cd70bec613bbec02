/**
 * What the views need besides their providers (built in src/activation/workbench.ts): the status
 * bar, the views' descriptions, live CPU and memory only while the Containers view shows,
 * the documents and files the views open, the engine's events that keep them fresh, and the
 * setting and docker logins the Registries view lists.
 */
import { affectsRegistries } from './settings';
import * as vscode from 'vscode';
import type { Workbench } from './workbench';
import { watchDockerConfig } from '../engine/connect/configWatcher';
import { dockerConfigDir } from '../engine/connect/dockerContexts';
import { CONTAINER_FILE_SCHEME, ContainerFileSystem } from '../views/containers/containerFiles';
import { EngineStatusBar } from '../views/engines/engineStatusBar';
import { INSPECT_SCHEME, InspectDocumentProvider } from '../views/images/inspectDocumentProvider';
import { LiveUpdates } from '../views/liveUpdates';
import { LayerFileSystem } from '../editors/layerFileSystem';
import { LAYER_FILE_SCHEME } from '../editors/layerFileUri';

export interface RegisteredViews {
  liveUpdates: LiveUpdates;
  statusBar: EngineStatusBar;
  /** Names the active engine in both views' titles. */
  describeViews(): void;
}

export function registerViews(workbench: Workbench): RegisteredViews {
  const { context, images, containers, containersView, imagesView, selection, index, logs, analyses, insight, log, registries, registriesTree } = workbench;
  const statusBar = new EngineStatusBar(selection, workbench.status);
  const describeViews = () => {
    imagesView.description = selection.choice.candidate.name;
    containersView.description = selection.choice.candidate.name;
  };
  describeViews();
  /** The registries listed changed (the setting, or the docker CLI's logins): both views that show them. */
  let listed = workbench.knownRegistries().map((r) => r.address).join(' ');
  const registriesChanged = () => {
    registries.reset();
    registriesTree.refresh();
    // Images named on a registry have Compare with Registry Version: only when the list changed.
    const now = workbench.knownRegistries().map((r) => r.address).join(' ');
    if (now !== listed) {
      listed = now;
      images.refresh();
    }
  };
  // A docker login or logout: the registries listed, and the credentials their clients use.
  const configWatch = watchDockerConfig(dockerConfigDir(), () => registriesChanged());
  // Live CPU and memory only while the Containers view is shown.
  containers.setVisible(containersView.visible);
  const liveUpdates = new LiveUpdates(
    workbench,
    index,
    {
      images: () => {
        images.refresh();
        void insight.refreshAll(true);
      },
      containers: () => containers.refresh(),
      containerStarted: (id) => logs.containerStarted(id),
      imageRemoved: (id) => analyses.forget(id),
      containerRemoved: (id) => logs.containerRemoved(id),
    },
    log,
  );
  context.subscriptions.push(
    statusBar,
    liveUpdates,
    containersView.onDidChangeVisibility((e) => containers.setVisible(e.visible)),
    // An analysis done: its layers' sizes in the tree come from it now.
    analyses.onDidAnalyze(() => images.refresh()),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(workbench)),
    vscode.workspace.registerFileSystemProvider(CONTAINER_FILE_SCHEME, new ContainerFileSystem(workbench, (uri) => workbench.openLimit(uri)), {
      isReadonly: true,
      isCaseSensitive: true,
    }),
    // Files as a layer wrote them (issue 18), read-only.
    vscode.workspace.registerFileSystemProvider(LAYER_FILE_SCHEME, new LayerFileSystem(workbench.layerImages, (uri) => workbench.openLimit(uri)), {
      isReadonly: true,
      isCaseSensitive: true,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('strata.images') || e.affectsConfiguration('strata.layers')) {
        images.refresh();
      }
      if (affectsRegistries(e)) {
        registriesChanged();
      }
    }),
    { dispose: () => configWatch.close() },
  );
  return { liveUpdates, statusBar, describeViews };
}
