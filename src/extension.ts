import * as vscode from 'vscode';
import { copyFullTag } from './commands/copyFullTag';
import { copyImageId } from './commands/copyImageId';
import { inspectImage } from './commands/inspectImage';
import { refresh } from './commands/refresh';
import { removeImage } from './commands/removeImage';
import { showEngineError } from './commands/showEngineError';
import { DockerEngine } from './engine/dockerEngine';
import { ImageIndex } from './engine/imageIndex';
import type { SortBy } from './engine/images';
import { ContainersTreeProvider } from './views/containersTreeProvider';
import { EngineStatus } from './views/engineStatus';
import type { ImageNode } from './views/imageNode';
import { ImagesTreeProvider } from './views/imagesTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './views/inspectDocumentProvider';
import { LiveUpdates } from './views/liveUpdates';

/** What `activate` returns: the pieces the extension-host tests look into. */
export interface StrataApi {
  readonly engine: DockerEngine;
  readonly index: ImageIndex;
  readonly images: ImagesTreeProvider;
  readonly containers: ContainersTreeProvider;
  readonly status: EngineStatus;
}

function createEngine(log: vscode.LogOutputChannel): DockerEngine {
  try {
    return new DockerEngine();
  } catch (err) {
    // A DOCKER_HOST we cannot parse: say so once, and use the default socket.
    const message = err instanceof Error ? err.message : String(err);
    log.error(message);
    void vscode.window.showErrorMessage(message);
    return new DockerEngine({ ...process.env, DOCKER_HOST: '' });
  }
}

/** The composition root: builds every service once and hands each what it needs. */
export function activate(context: vscode.ExtensionContext): StrataApi {
  const log = vscode.window.createOutputChannel('Strata', { log: true });
  context.subscriptions.push(log);

  const engine = createEngine(log);
  const index = new ImageIndex(engine);
  const status = new EngineStatus(engine, log);
  const config = () => vscode.workspace.getConfiguration('strata');
  const images = new ImagesTreeProvider(index, status, {
    showDangling: () => config().get<boolean>('images.showDangling', false),
    sortBy: () => config().get<SortBy>('images.sortBy', 'created'),
    showMetadataSteps: () => config().get<boolean>('layers.showMetadataSteps', true),
  });
  const containers = new ContainersTreeProvider();
  context.subscriptions.push(
    status,
    images,
    containers,
    vscode.window.createTreeView('strata.images', { treeDataProvider: images, showCollapseAll: true }),
    vscode.window.createTreeView('strata.containers', { treeDataProvider: containers }),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(engine)),
    new LiveUpdates(engine, index, { images: () => images.refresh(), containers: () => containers.refresh() }, log),
  );

  const reload = () => refresh(images, containers);
  context.subscriptions.push(
    vscode.commands.registerCommand('strata.refresh', reload),
    vscode.commands.registerCommand('strata.showEngineError', () => showEngineError(status, reload)),
    vscode.commands.registerCommand('strata.image.copyFullTag', (node?: ImageNode) => copyFullTag(index, node)),
    vscode.commands.registerCommand('strata.image.copyId', (node?: ImageNode) => copyImageId(index, node)),
    vscode.commands.registerCommand('strata.image.inspect', (node?: ImageNode) => inspectImage(index, node)),
    vscode.commands.registerCommand('strata.image.remove', (node?: ImageNode) =>
      removeImage(engine, index, () => images.refresh(), node),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('strata.images') || e.affectsConfiguration('strata.layers')) {
        images.refresh();
      }
    }),
  );

  return { engine, index, images, containers, status };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
