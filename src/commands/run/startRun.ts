import * as vscode from 'vscode';
import { describeRunError } from '../../engine/api/engineError';
import type { Engine } from '../../engine/api/engine';
import type { RunOptions } from '../../model/containers/runOptions';
import type { ContainerLogs } from '../../views/containers/containerLogs';
import { CommandError } from '../registerCommand';

export interface RunDeps {
  engine: Engine;
  logs: ContainerLogs;
  /** Reveals a container in the Containers view (offered when a name is taken). */
  revealContainer(id: string): Promise<void>;
}

/**
 * Creates and starts the container, then shows its Output channel following its logs,
 * so even a container that exits at once shows what it printed and its exit code.
 * The engine's refusals become one sentence, with "Show Container" for a taken name.
 */
export async function startRun(deps: RunDeps, options: RunOptions): Promise<string | undefined> {
  let created: { id: string; name: string };
  try {
    created = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting {0}…', options.image) },
      () => deps.engine.runContainer(options),
    );
  } catch (err) {
    const refusal = describeRunError(err, options.image, options.name);
    const conflicting = refusal.conflictingContainerId;
    throw new CommandError(refusal.message, {
      cause: err,
      actions: conflicting ? [{ title: vscode.l10n.t('Show Container'), run: () => deps.revealContainer(conflicting) }] : [],
    });
  }
  deps.logs.show(created.id, created.name);
  return created.id;
}
