import * as vscode from 'vscode';
import type { EngineStatus } from '../../views/engines/engineStatus';

/**
 * Shows the exact sentence for the current connection problem (the socket's path, the
 * engine's own message), which the views' static welcome content cannot spell out.
 */
export async function showEngineError(status: EngineStatus, retry: () => void): Promise<void> {
  const problem = status.problem;
  if (!problem) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Strata is connected to the Docker Engine.'));
    return;
  }
  const retryLabel = vscode.l10n.t('Retry');
  const choice = await vscode.window.showWarningMessage(problem.message, retryLabel);
  if (choice === retryLabel) {
    retry();
  }
}
