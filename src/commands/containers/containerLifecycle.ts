import * as vscode from 'vscode';
import type { Engine } from '../../engine/api/engine';
import type { ContainerNode } from '../../views/containers/containerNode';
import { failed } from '../registerCommand';

type Action = 'start' | 'stop' | 'restart';

/** "web could not be stopped": one whole sentence per action, for translators. */
function couldNot(action: Action, name: string): string {
  switch (action) {
    case 'start':
      return vscode.l10n.t('{0} could not be started', name);
    case 'stop':
      return vscode.l10n.t('{0} could not be stopped', name);
    case 'restart':
      return vscode.l10n.t('{0} could not be restarted', name);
  }
}

/**
 * Strata: Start / Stop / Restart Container — the inline buttons by state. The view follows
 * through the engine's events; only a failure needs words.
 */
export async function changeContainerState(engine: Engine, action: Action, node?: ContainerNode): Promise<void> {
  if (!node) {
    return;
  }
  const call = { start: engine.startContainer, stop: engine.stopContainer, restart: engine.restartContainer }[action];
  await vscode.window
    .withProgress({ location: { viewId: 'strata.containers' } }, () => call.call(engine, node.container.id))
    .then(undefined, (err: unknown) => {
      throw failed(couldNot(action, node.container.name), err);
    });
}
