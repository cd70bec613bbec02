import * as vscode from 'vscode';
import { imageRef } from '../../model/images';
import type { ImageIndex } from '../../engine/imageIndex';
import { LayersPanel, type LayersPanelDeps } from '../../panels/layersPanel';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from '../images/pickImage';

/** Strata: Show Layers — the image drawn as a stack in the Layers panel (one per image). */
export async function showLayers(deps: LayersPanelDeps & { index: ImageIndex }, node?: ImageNode): Promise<LayersPanel | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image whose layers to show'));
  if (!entry) {
    return undefined;
  }
  return LayersPanel.show(deps, LayersPanel.stateOf(entry.image.id, 'image', imageRef(entry)));
}

/** A Dockerfile lens: the image's Layers panel, at the layer its line made. */
export function showLayerOf(deps: LayersPanelDeps, imageId: string, title: string, layer?: number): LayersPanel {
  const panel = LayersPanel.show(deps, LayersPanel.stateOf(imageId, 'image', title));
  if (layer !== undefined) {
    panel.selectLayer(layer);
  }
  return panel;
}

/** A side of the Compare panel read from a source: its Layers panel reads it from there too (a registry, a layout, an archive). */
export function showSourceLayers(deps: LayersPanelDeps, source: string, title: string): LayersPanel {
  const kind = /^(registry|oci-layout):\/\//.test(source) ? 'registry' : 'archive';
  return LayersPanel.show(deps, LayersPanel.stateOf(source, kind, title));
}
