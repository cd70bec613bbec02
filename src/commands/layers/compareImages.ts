/**
 * The ways into the Compare panel:
 * - Select for Compare, then Compare with Selected (as the Explorer compares files: the
 *   context key `strata.compare.hasSelection` makes the second appear once one is chosen);
 * - Compare with… (the image, then a QuickPick of the others);
 * - Strata: Compare Images… (two QuickPicks);
 * - Compare with Previous Build (the image its tag named before: src/model/previousBuild.ts).
 * The first image is A (left), the second B (right); differences read "from A to B".
 */
import * as vscode from 'vscode';
import { shortId } from '../../shared/format';
import type { ImageIndex } from '../../engine/imageIndex';
import { type ImageEntry, toImageEntries } from '../../model/images';
import type { PreviousBuildFinder } from '../../model/previousBuild';
import { ComparePanel, type ComparePanelDeps } from '../../panels/comparePanel';
import type { ImageNode } from '../../views/images/imageNode';
import { CommandError, failed } from '../registerCommand';
import { pickAmong } from '../images/pickImage';

/** An image as the panel names it. */
export interface CompareSide {
  id: string;
  title: string;
}

const sideOf = (entry: ImageEntry): CompareSide => ({ id: entry.image.id, title: entry.reference });

/** The image chosen with Select for Compare, and the context key that shows Compare with Selected. */
export class CompareSelection {
  private chosen: CompareSide | undefined;

  get selected(): CompareSide | undefined {
    return this.chosen;
  }

  async select(side: CompareSide | undefined): Promise<void> {
    this.chosen = side;
    await vscode.commands.executeCommand('setContext', 'strata.compare.hasSelection', side !== undefined);
  }
}

export interface CompareDeps extends ComparePanelDeps {
  index: ImageIndex;
  compareSelection: CompareSelection;
  previousBuilds: PreviousBuildFinder;
}

async function listEntries(index: ImageIndex): Promise<ImageEntry[]> {
  const images = await index.list().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Strata could not list the images'), err);
  });
  return toImageEntries(images, { showDangling: true });
}

/** A QuickPick of the engine's images, but `except` (an image is not compared with itself). */
async function pickImage(index: ImageIndex, placeHolder: string, except?: CompareSide, among?: (entry: ImageEntry) => boolean): Promise<ImageEntry | undefined> {
  const entries = (await listEntries(index)).filter((e) => e.image.id !== except?.id && (!among || among(e)));
  if (entries.length === 0) {
    throw new CommandError(
      except
        ? vscode.l10n.t('There is no other image to compare {0} with: the engine has no image but it.', except.title)
        : among
          ? vscode.l10n.t('No image on the engine has a previous build: none of its tags was built or pulled again while the image it named before is still here.')
          : vscode.l10n.t('The Docker Engine has no images to compare.'),
    );
  }
  return pickAmong(entries, placeHolder);
}

function open(deps: ComparePanelDeps, a: CompareSide, b: CompareSide): ComparePanel {
  if (a.id === b.id) {
    throw new CommandError(vscode.l10n.t('{0} and {1} are the same image ({2}): there is nothing to compare.', a.title, b.title, shortId(a.id)));
  }
  return ComparePanel.show(deps, ComparePanel.stateOf(a, b));
}

/** Select for Compare: remembers the image; Compare with Selected then compares another with it. */
export async function selectForCompare(deps: CompareDeps, node?: ImageNode): Promise<CompareSide | undefined> {
  const entry = node?.entry ?? (await pickImage(deps.index, vscode.l10n.t('Image to select for compare')));
  if (!entry) {
    return undefined;
  }
  const side = sideOf(entry);
  await deps.compareSelection.select(side);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Selected {0} for compare', side.title), 5000);
  return side;
}

/** Compare with Selected: the selected image (A) with this one (B). */
export async function compareWithSelected(deps: CompareDeps, node?: ImageNode): Promise<ComparePanel | undefined> {
  const selected = deps.compareSelection.selected;
  if (!selected) {
    throw new CommandError(vscode.l10n.t('No image is selected for compare: right-click an image and choose Select for Compare first.'));
  }
  const entry = node?.entry ?? (await pickImage(deps.index, vscode.l10n.t('Image to compare with {0}', selected.title), selected));
  return entry ? open(deps, selected, sideOf(entry)) : undefined;
}

/** Compare with…: this image (A) with one picked from the others (B). */
export async function compareWith(deps: CompareDeps, node?: ImageNode): Promise<ComparePanel | undefined> {
  const first = node?.entry ?? (await pickImage(deps.index, vscode.l10n.t('First image (A)')));
  if (!first) {
    return undefined;
  }
  const a = sideOf(first);
  const second = await pickImage(deps.index, vscode.l10n.t('Compare {0} with…', a.title), a);
  return second ? open(deps, a, sideOf(second)) : undefined;
}

/** Strata: Compare Images… — two images picked in turn. */
export function compareImages(deps: CompareDeps): Promise<ComparePanel | undefined> {
  return compareWith(deps);
}

/** Compare with Previous Build: the image this tag named before (A) with the image (B). */
export async function compareWithPrevious(deps: CompareDeps, node?: ImageNode): Promise<ComparePanel | undefined> {
  const previous = await deps.previousBuilds.find().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Strata could not look for previous builds'), err);
  });
  const entry = node?.entry ?? (await pickImage(deps.index, vscode.l10n.t('Image to compare with its previous build'), undefined, (e) => !e.dangling && previous.has(e.image.id)));
  if (!entry) {
    return undefined;
  }
  const before = previous.get(entry.image.id);
  if (!before || entry.dangling) {
    throw new CommandError(
      vscode.l10n.t(
        '{0} has no previous build on this engine: no untagged image left by an earlier build or pull of it is here (it was pruned, or it was never rebuilt).',
        entry.reference,
      ),
    );
  }
  return open(deps, { id: before, title: vscode.l10n.t('{0} before ({1})', entry.reference, shortId(before)) }, sideOf(entry));
}
