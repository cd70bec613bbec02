import { imageRef } from '../../model/images';
import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from './pickImage';

/** Strata: Copy Full Tag — `repository:tag` to the clipboard (the id for an untagged image). */
export async function copyFullTag(index: ImageIndex, node?: ImageNode): Promise<void> {
  const entry = await imageFromNodeOrPick(index, node, vscode.l10n.t('Image whose tag to copy'));
  if (!entry) {
    return;
  }
  const text = imageRef(entry);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', text), 3000);
}
