/**
 * Open File and Compare with Previous Version, from the Layers panel's file tree: a file as
 * a layer wrote it, read-only in an editor (src/editors: the `strata-layer:` file system),
 * and the same path as the layer before wrote it beside it in VS Code's diff editor. A
 * file over strata.files.openLimit asks first; declining opens nothing. The first file of
 * an image may read its export (a notification, which can cancel it); later ones are read
 * from the layer blobs kept on disk.
 */
import * as vscode from 'vscode';
import { type FoundFile, LayerFileError, findFile } from '../../sources/layerFiles';
import { previousVersion } from '../../analysis/files/pathHistory';
import { formatBytes } from '../../shared/format';
import type { LayerImages } from '../../editors/layerImages';
import { type LayerFileRef, layerFileLabel, layerFileUriParts } from '../../editors/layerFileUri';
import { isCancelled } from '../../shared/errors';

export interface LayerFileDeps {
  layerImages: LayerImages;
  openLimit(uri?: vscode.Uri): number;
  allowOpen(uri: vscode.Uri, size: number): void;
}

/** What the panel (or its context menu) names: a path as the user saw it after a layer (1 at the base). */
export type LayerFileTarget = LayerFileRef & Placed;

/**
 * Where a panel asks for its files: the editor group to the right of its own (`panelColumn`
 * is the panel's), so that each file goes to the same place whichever group had focus last;
 * without it, beside the active group.
 */
interface Placed {
  panelColumn?: number;
}

function placeFor(target: Placed): vscode.ViewColumn {
  return typeof target.panelColumn === 'number' && target.panelColumn >= 1 ? target.panelColumn + 1 : vscode.ViewColumn.Beside;
}

export function layerFileUri(ref: LayerFileRef): vscode.Uri {
  return vscode.Uri.from(layerFileUriParts(ref));
}

function isTarget(t: unknown): t is LayerFileTarget {
  const r = t as LayerFileTarget | undefined;
  return typeof r?.image === 'string' && typeof r.path === 'string' && typeof r.layer === 'number';
}

/** Whether a file of this size may be read: at once under the limit, else when the user says so. */
async function mayOpen(deps: LayerFileDeps, uris: vscode.Uri[], path: string, size: number): Promise<boolean> {
  const limit = deps.openLimit();
  if (size <= limit) {
    return true;
  }
  const open = vscode.l10n.t('Open');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('/{0} is {1}, over the {2} set in strata.files.openLimit. Open it anyway?', path, formatBytes(size), formatBytes(limit)),
    { modal: true },
    open,
  );
  if (choice !== open) {
    return false;
  }
  for (const uri of uris) {
    deps.allowOpen(uri, size);
  }
  return true;
}

/**
 * A layer not on disk yet is read once with a notification, so that the editor's read is
 * from disk; false when the user cancelled (nothing opens, nothing is lost: a blob half
 * kept is dropped).
 */
async function readAhead(deps: LayerFileDeps, ref: LayerFileRef, found: FoundFile, maxBytes: number): Promise<boolean> {
  const { image } = await deps.layerImages.find(ref);
  if (await deps.layerImages.isLocal(image, found)) {
    // Kept on disk: the editor's own read takes milliseconds, no notification needed.
    return true;
  }
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading /{0} from {1}…', found.path, layerFileLabel(ref)), cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return deps.layerImages.read(image, found, { signal: abort.signal, maxBytes });
      },
    );
    return true;
  } catch (err) {
    if (isCancelled(err)) {
      return false;
    }
    throw err;
  }
}

/** Where a target's file comes from: the layer that wrote the version the user saw (or the one a removal took away). */
async function resolve(deps: LayerFileDeps, target: LayerFileTarget): Promise<{ ref: LayerFileRef; found: FoundFile }> {
  const { found } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking up /{0}…', target.path) }, () => deps.layerImages.find(target));
  return { ref: { image: target.image, name: target.name, layer: found.layer + 1, path: found.path }, found };
}

/** Opens a layer's file read-only; the URI opened, or undefined when nothing was (declined, cancelled). */
export async function openLayerFile(deps: LayerFileDeps, target?: unknown): Promise<vscode.Uri | undefined> {
  if (!isTarget(target)) {
    return undefined;
  }
  const { ref, found } = await resolve(deps, target);
  const uri = layerFileUri(ref);
  if (!(await mayOpen(deps, [uri], found.path, found.entry.size))) {
    return undefined;
  }
  if (!(await readAhead(deps, ref, found, Math.max(found.entry.size, deps.openLimit())))) {
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true, viewColumn: placeFor(target) });
  return uri;
}

/** The version before (left) and this one (right) in the diff editor; a file its layer added new says so. */
export async function compareWithPreviousVersion(deps: LayerFileDeps, target?: unknown): Promise<[vscode.Uri, vscode.Uri] | undefined> {
  if (!isTarget(target)) {
    return undefined;
  }
  const { ref, found } = await resolve(deps, target);
  const { image } = await deps.layerImages.find(ref);
  const before = previousVersion(image.analysis.archiveLayers, found.path, found.layer);
  if (before.kind !== 'file') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer {0} added /{1}: no layer below wrote it, so there is no previous version.', ref.layer, found.path));
    return undefined;
  }
  const left: LayerFileRef = { ...ref, layer: before.layer + 1, path: before.path };
  const uris: [vscode.Uri, vscode.Uri] = [layerFileUri(left), layerFileUri(ref)];
  if (!(await mayOpen(deps, uris, found.path, Math.max(found.entry.size, before.entry.size)))) {
    return undefined;
  }
  const max = Math.max(found.entry.size, before.entry.size, deps.openLimit());
  if (!(await readAhead(deps, left, before, max)) || !(await readAhead(deps, ref, found, max))) {
    return undefined;
  }
  const name = found.path.slice(found.path.lastIndexOf('/') + 1);
  const title = vscode.l10n.t('{0} (layer {1} ↔ layer {2} of {3})', name, left.layer, ref.layer, ref.name ?? ref.image);
  await vscode.commands.executeCommand('vscode.diff', uris[0], uris[1], title, { preview: true, viewColumn: placeFor(target) });
  return uris;
}

export interface ImagesFileTarget extends Placed {
  a: { image: string; name?: string };
  b: { image: string; name?: string };
  path: string;
}

function isImagesTarget(t: unknown): t is ImagesFileTarget {
  const r = t as ImagesFileTarget | undefined;
  return typeof r?.a?.image === 'string' && typeof r.b?.image === 'string' && typeof r.path === 'string';
}

/**
 * The Compare panel's file: in both images, a diff of A's version (left) and B's (right);
 * in one only (added or removed), that image's version.
 */
export async function compareImagesFile(deps: LayerFileDeps, target?: unknown): Promise<vscode.Uri[] | undefined> {
  if (!isImagesTarget(target)) {
    return undefined;
  }
  const side = async (s: ImagesFileTarget['a']) => {
    const image = await deps.layerImages.open(s.image, s.name);
    try {
      // The file as the image has it (its top layer), named by the layer that wrote it.
      const found = findFile(image, target.path);
      return { ref: { image: s.image, name: s.name, layer: found.layer + 1, path: found.path }, found };
    } catch (err) {
      // Not in this image: the other side alone is shown.
      if (err instanceof LayerFileError && (err.problem.code === 'absent' || err.problem.code === 'removed')) {
        return undefined;
      }
      throw err;
    }
  };
  const [a, b] = await Promise.all([side(target.a), side(target.b)]);
  if (!a || !b) {
    const only = a ?? b;
    return only ? [(await openLayerFile(deps, { ...only.ref, panelColumn: target.panelColumn })) as vscode.Uri].filter(Boolean) : undefined;
  }
  const uris = [layerFileUri(a.ref), layerFileUri(b.ref)];
  if (!(await mayOpen(deps, uris, b.found.path, Math.max(a.found.entry.size, b.found.entry.size)))) {
    return undefined;
  }
  const max = Math.max(a.found.entry.size, b.found.entry.size, deps.openLimit());
  if (!(await readAhead(deps, a.ref, a.found, max)) || !(await readAhead(deps, b.ref, b.found, max))) {
    return undefined;
  }
  const name = b.found.path.slice(b.found.path.lastIndexOf('/') + 1);
  const title = vscode.l10n.t('{0} ({1} ↔ {2})', name, a.ref.name ?? a.ref.image, b.ref.name ?? b.ref.image);
  await vscode.commands.executeCommand('vscode.diff', uris[0], uris[1], title, { preview: true, viewColumn: placeFor(target) });
  return uris;
}
