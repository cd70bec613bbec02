import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import type { ImageNode } from '../../views/images/imageNode';
import { InspectDocumentProvider, openInspectDocument } from '../../views/images/inspectDocumentProvider';
import { imageFromNodeOrPick } from './pickImage';

/** Strata: Inspect Image — the engine's JSON for the image in a read-only editor. */
export async function inspectImage(index: ImageIndex, node?: ImageNode): Promise<void> {
  const entry = await imageFromNodeOrPick(index, node, vscode.l10n.t('Image to inspect'));
  if (entry) {
    await openInspectDocument(InspectDocumentProvider.uri('image', entry.reference, entry.image.id));
  }
}
