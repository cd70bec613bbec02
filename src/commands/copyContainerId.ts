import * as vscode from 'vscode';
import type { ContainerNode } from '../views/containerNode';

/** Strata: Copy Container ID. */
export async function copyContainerId(node?: ContainerNode): Promise<void> {
  if (node) {
    await vscode.env.clipboard.writeText(node.container.id);
    vscode.window.setStatusBarMessage(`Copied ${node.container.id}`, 3000);
  }
}
