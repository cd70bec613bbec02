import { imageRef } from '../../model/images';
import * as vscode from 'vscode';
import type { Engine } from '../../engine/api/engine';
import { describeRemoveImageError } from '../../engine/api/engineError';
import type { ImageIndex } from '../../engine/imageIndex';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from './pickImage';
import { CommandError } from '../registerCommand';

/**
 * Strata: Remove Image — like `docker rmi NAME`, after a modal confirmation. Removing one
 * of several names only untags; the last name removes the image. The engine's refusals
 * (a container uses it, images are built on it) become a sentence with a way forward.
 */
export interface RemoveImageDeps {
  engine: Engine;
  index: ImageIndex;
  refreshViews(): void;
  /** Shows the container that keeps the image, in the Containers view. */
  revealContainer(id: string): Promise<void>;
}

export async function removeImage({ engine, index, refreshViews, revealContainer }: RemoveImageDeps, node?: ImageNode): Promise<void> {
  const entry = await imageFromNodeOrPick(index, node, vscode.l10n.t('Image to remove'));
  if (!entry) {
    return;
  }
  const target = imageRef(entry);
  const otherNames = entry.image.repoTags.filter((t) => t !== entry.reference);
  const detail =
    otherNames.length > 0
      ? vscode.l10n.t('Only this name is removed; the image stays as {0}.', otherNames.join(', '))
      : vscode.l10n.t('The image is deleted, with its layers unless other images use them. This cannot be undone.');
  const remove = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Remove image {0}?', target), { modal: true, detail }, remove);
  if (choice !== remove) {
    return;
  }
  try {
    await engine.removeImage(target);
  } catch (err) {
    const refusal = describeRemoveImageError(err, target);
    const containerId = refusal.containerId;
    if (!containerId) {
      throw new CommandError(refusal.message, { cause: err });
    }
    // The container by its name and state, when the engine still knows it.
    const c = await engine.inspectContainer(containerId).catch(() => undefined);
    const message = c
      ? vscode.l10n.t('{0} is used by the {1} container {2}: remove that container first, then the image.', target, c.State.Status, c.Name.replace(/^\//, ''))
      : refusal.message;
    throw new CommandError(message, { cause: err, actions: [{ title: vscode.l10n.t('Show Container'), run: () => revealContainer(containerId) }] });
  }
  refreshViews();
}
