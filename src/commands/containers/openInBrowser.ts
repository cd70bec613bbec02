import * as vscode from 'vscode';
import { browserUrl } from '../../model/containers/containers';
import type { ContainerNode } from '../../views/containers/containerNode';

/** Strata: Open in Browser — a published TCP port (asked when there are several). */
export async function openInBrowser(node?: ContainerNode): Promise<boolean> {
  const ports = node?.container.ports.filter((p) => p.protocol === 'tcp') ?? [];
  if (!node || ports.length === 0) {
    void vscode.window.showInformationMessage(
      node ? vscode.l10n.t('{0} publishes no TCP port to open.', node.container.name) : vscode.l10n.t('This container publishes no TCP port to open.'),
    );
    return false;
  }
  let port = ports[0];
  if (ports.length > 1) {
    const picked = await vscode.window.showQuickPick(
      ports.map((p) => ({ label: browserUrl(p), description: vscode.l10n.t('container port {0}', p.containerPort), port: p })),
      { placeHolder: vscode.l10n.t('Port to open') },
    );
    if (!picked) {
      return false;
    }
    port = picked.port;
  }
  return vscode.env.openExternal(vscode.Uri.parse(browserUrl(port)));
}
