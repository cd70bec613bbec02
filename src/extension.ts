/**
 * The composition root: builds the services once and hands them to the views, panels and
 * commands. Nothing here waits on an engine: the views ask it when they are first drawn.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { registerCommands } from './activation/registerCommands';
import { registerPanels } from './activation/registerPanels';
import { type StrataTestApi, testApi } from './activation/testApi';
import { wireEngineSwitch } from './activation/wireEngineSwitch';
import { registerViews } from './activation/registerViews';
import { Workbench } from './activation/workbench';

export type { StrataTestApi } from './activation/testApi';
/** The name the extension-host tests know it by. */
export type { StrataTestApi as StrataApi } from './activation/testApi';

export async function activate(context: vscode.ExtensionContext): Promise<StrataTestApi | undefined> {
  // The sentences made below the VS Code side (engine, analysis) in VS Code's language.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const workbench = await Workbench.create(context);
  const views = registerViews(workbench);
  registerPanels(workbench);
  registerCommands(workbench);
  wireEngineSwitch(workbench, views);
  return context.extensionMode === vscode.ExtensionMode.Test ? testApi(workbench, views) : undefined;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
