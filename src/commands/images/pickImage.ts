import * as vscode from 'vscode';
import { formatAge, formatBytes, shortId } from '../../shared/format';
import type { ImageIndex } from '../../engine/imageIndex';
import { type ImageEntry, toImageEntries } from '../../model/images';
import type { ImageNode } from '../../views/images/imageNode';
import { failed } from '../registerCommand';

/** The image a command acts on: the tree node it was invoked on, or one the user picks. */
export async function imageFromNodeOrPick(
  index: ImageIndex,
  node: ImageNode | undefined,
  placeHolder: string,
): Promise<ImageEntry | undefined> {
  if (node) {
    return node.entry;
  }
  const images = await index.list().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Strata could not list the images'), err);
  });
  const entries = toImageEntries(images, { showDangling: true });
  if (entries.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The Docker Engine has no images.'));
    return undefined;
  }
  return pickAmong(entries, placeHolder);
}

/** A QuickPick of images: name, size and age, the short id; any of them can be typed. */
export async function pickAmong(entries: ImageEntry[], placeHolder: string): Promise<ImageEntry | undefined> {
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: entry.reference,
      description: `${formatBytes(entry.image.size)} · ${formatAge(entry.image.created)}`,
      detail: shortId(entry.image.id),
      entry,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.entry;
}
