import * as vscode from 'vscode';
import type { DockerEngine } from '../engine/dockerEngine';
import type { ContainerNode } from '../views/containerNode';
import { failed } from './registerCommand';

type Action = 'start' | 'stop' | 'restart';
const PAST: Record<Action, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };

/**
 * Strata: Start / Stop / Restart Container — the inline buttons by state. The view follows
 * through the engine's events; only a failure needs words.
 */
export async function changeContainerState(engine: DockerEngine, action: Action, node?: ContainerNode): Promise<void> {
  if (!node) {
    return;
  }
  const call = { start: engine.startContainer, stop: engine.stopContainer, restart: engine.restartContainer }[action];
  await vscode.window
    .withProgress({ location: { viewId: 'strata.containers' } }, () => call.call(engine, node.container.id))
    .then(undefined, (err: unknown) => {
      throw failed(`${node.container.name} could not be ${PAST[action]}`, err);
    });
}
