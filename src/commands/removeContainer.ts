import * as vscode from 'vscode';
import { isRunning } from '../engine/containers';
import type { DockerEngine } from '../engine/dockerEngine';
import type { ContainerNode } from '../views/containerNode';
import { failed } from './registerCommand';

/** Strata: Remove Container — modal confirmation; a running container needs "Stop and Remove". */
export async function removeContainer(engine: DockerEngine, node?: ContainerNode): Promise<void> {
  if (!node) {
    return;
  }
  const { container } = node;
  const running = isRunning(container);
  const action = running ? 'Stop and Remove' : 'Remove';
  const choice = await vscode.window.showWarningMessage(
    `${action} container ${container.name}?`,
    {
      modal: true,
      detail: `${running ? 'It is running. ' : ''}Its filesystem changes and logs are deleted; the image ${container.image} stays.`,
    },
    action,
  );
  if (choice !== action) {
    return;
  }
  await engine.removeContainer(container.id, running).catch((err: unknown) => {
    throw failed(`${container.name} could not be removed`, err);
  });
}
