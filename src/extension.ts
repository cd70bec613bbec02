import * as vscode from 'vscode';
import { refresh } from './commands/refresh';
import { showEngineError } from './commands/showEngineError';
import { DockerEngine } from './engine/dockerEngine';
import { ContainersTreeProvider } from './views/containersTreeProvider';
import { EngineStatus } from './views/engineStatus';
import { ImagesTreeProvider } from './views/imagesTreeProvider';

/** What `activate` returns: the pieces the extension-host tests look into. */
export interface StrataApi {
  readonly engine: DockerEngine;
  readonly images: ImagesTreeProvider;
  readonly containers: ContainersTreeProvider;
  readonly status: EngineStatus;
}

/** The composition root: builds every service once and hands each what it needs. */
export function activate(context: vscode.ExtensionContext): StrataApi {
  const log = vscode.window.createOutputChannel('Strata', { log: true });
  context.subscriptions.push(log);

  let engine: DockerEngine;
  try {
    engine = new DockerEngine();
  } catch (err) {
    // A DOCKER_HOST we cannot parse: say so, and fall back to the default socket.
    log.error(err instanceof Error ? err.message : String(err));
    void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
    engine = new DockerEngine({ ...process.env, DOCKER_HOST: '' });
  }

  const status = new EngineStatus(engine, log);
  const images = new ImagesTreeProvider(engine, status, {
    showDangling: () => vscode.workspace.getConfiguration('strata').get<boolean>('images.showDangling', false),
  });
  const containers = new ContainersTreeProvider();
  const imagesView = vscode.window.createTreeView('strata.images', { treeDataProvider: images });
  const containersView = vscode.window.createTreeView('strata.containers', { treeDataProvider: containers });
  context.subscriptions.push(status, images, containers, imagesView, containersView);

  const reload = () => refresh(images, containers);
  context.subscriptions.push(
    vscode.commands.registerCommand('strata.refresh', reload),
    vscode.commands.registerCommand('strata.showEngineError', () => showEngineError(status, reload)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('strata.images')) {
        images.refresh();
      }
    }),
  );

  return { engine, images, containers, status };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
