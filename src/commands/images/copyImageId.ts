import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from './pickImage';

/** Strata: Copy Image ID — the full `sha256:…` id to the clipboard. */
export async function copyImageId(index: ImageIndex, node?: ImageNode): Promise<void> {
  const entry = await imageFromNodeOrPick(index, node, vscode.l10n.t('Image whose id to copy'));
  if (!entry) {
    return;
  }
  await vscode.env.clipboard.writeText(entry.image.id);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', entry.image.id), 3000);
}
