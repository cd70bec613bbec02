/**
 * The address of a file as one layer of an image wrote it, which the editors open:
 *
 *   strata-layer:/<path in the image>?image=<source>&layer=<n>&name=<image as shown>
 *
 * `image` is the source as the CLI takes it (an image id on the engine, an archive's path,
 * registry://…, oci-layout://…), `layer` counts from 1 at the base as the Layers panel
 * does, and the path is the URI's own so that VS Code names the tab by the file's name and
 * picks its language by its extension. `name` only words titles. No `vscode` here (the
 * sentences through @vscode/l10n): the format is tested in plain Node.
 */
import * as l10n from '@vscode/l10n';

export const LAYER_FILE_SCHEME = 'strata-layer';

export interface LayerFileRef {
  /** The image's source, as the CLI's IMAGE. */
  image: string;
  /** 1 at the base. */
  layer: number;
  /** Without a leading slash: `etc/app.conf`. */
  path: string;
  /** The image as the panel titles it ("app:1.0"); the source when not given. */
  name?: string;
}

/** A URI that does not name a layer's file, said in one sentence. */
export class LayerFileUriError extends Error {}

/** The parts of the URI (`vscode.Uri.from` takes them as they are). */
export function layerFileUriParts(ref: LayerFileRef): { scheme: string; path: string; query: string } {
  const query = new URLSearchParams({ image: ref.image, layer: String(ref.layer), ...(ref.name && ref.name !== ref.image ? { name: ref.name } : {}) });
  return { scheme: LAYER_FILE_SCHEME, path: `/${ref.path.replace(/^\/+/, '')}`, query: query.toString() };
}

export function parseLayerFileUri(parts: { path: string; query: string }): LayerFileRef {
  const query = new URLSearchParams(parts.query);
  const image = query.get('image');
  const layerText = query.get('layer') ?? '';
  const path = parts.path.replace(/^\/+/, '');
  if (!image) {
    throw new LayerFileUriError(l10n.t('{0}:{1} names no image: it needs ?image=…&layer=N.', LAYER_FILE_SCHEME, parts.path));
  }
  if (!/^\d+$/.test(layerText) || Number(layerText) < 1) {
    throw new LayerFileUriError(l10n.t('{0}:{1} names no layer: "{2}" is not a number from 1.', LAYER_FILE_SCHEME, parts.path, layerText));
  }
  if (!path) {
    throw new LayerFileUriError(l10n.t('{0}: names no file, only the image {1}.', LAYER_FILE_SCHEME, image));
  }
  return { image, layer: Number(layerText), path, ...(query.get('name') ? { name: query.get('name') as string } : {}) };
}

/** How a title names where the file comes from: "(layer 3 of app:1.0)". */
export function layerFileLabel(ref: LayerFileRef): string {
  return l10n.t('layer {0} of {1}', ref.layer, ref.name ?? ref.image);
}
