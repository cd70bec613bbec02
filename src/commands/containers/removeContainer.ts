import * as vscode from 'vscode';
import { isRunning } from '../../model/containers/containers';
import type { Engine } from '../../engine/api/engine';
import type { ContainerNode } from '../../views/containers/containerNode';
import { failed } from '../registerCommand';

/** Strata: Remove Container — modal confirmation; a running container needs "Stop and Remove". */
export async function removeContainer(engine: Engine, node?: ContainerNode): Promise<void> {
  if (!node) {
    return;
  }
  const { container } = node;
  const running = isRunning(container);
  const action = running ? vscode.l10n.t('Stop and Remove') : vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(
    running ? vscode.l10n.t('Stop and Remove container {0}?', container.name) : vscode.l10n.t('Remove container {0}?', container.name),
    {
      modal: true,
      detail: running
        ? vscode.l10n.t('It is running. Its filesystem changes and logs are deleted; the image {0} stays.', container.image)
        : vscode.l10n.t('Its filesystem changes and logs are deleted; the image {0} stays.', container.image),
    },
    action,
  );
  if (choice !== action) {
    return;
  }
  await engine.removeContainer(container.id, running).catch((err: unknown) => {
    throw failed(vscode.l10n.t('{0} could not be removed', container.name), err);
  });
}
