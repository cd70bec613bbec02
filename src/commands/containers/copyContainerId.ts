import * as vscode from 'vscode';
import type { ContainerNode } from '../../views/containers/containerNode';

/** Strata: Copy Container ID. */
export async function copyContainerId(node?: ContainerNode): Promise<void> {
  if (node) {
    await vscode.env.clipboard.writeText(node.container.id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', node.container.id), 3000);
  }
}
