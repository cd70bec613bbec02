/** What both panels send their webviews alike: an image's steps, and the rows of one folder of a tree. */
import * as vscode from 'vscode';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { parseBuildStep } from '../model/buildStep';
import type { AlignedStep } from '../model/layerAlignment';
import type { ReadCost } from '../analysis/imageAnalysis';
import type { ReadView, StepView } from '../protocol/layersProtocol';
import { Refusal } from './hostChannel';

/** A build step as the webview draws it (dates as text: messages are JSON). */
export function stepView(s: AlignedStep, dockerfileLine?: { file: string; line: number }): StepView {
  return {
    index: s.index,
    text: s.step.text,
    createdBy: s.createdBy,
    layerIndex: s.layerIndex,
    size: s.size,
    created: s.created.toISOString(),
    diffId: s.diffId,
    ...(dockerfileLine ? { dockerfileLine } : {}),
  };
}

/**
 * The rows under `folder`. No rows is an empty (or filtered out) folder, or no such
 * folder: its parent says which, and `missing` gives the sentence for the latter.
 */
export function folderRows<R extends { path: string }, S>(tree: { children(path: string, sort: S, filter: string): R[] }, folder: string, sort: S, filter: string, byName: S, missing: () => string): R[] {
  const rows = tree.children(folder, sort, filter);
  const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  if (rows.length === 0 && folder !== '' && !tree.children(parent, byName, '').some((r) => r.path === folder)) {
    throw new Refusal(missing());
  }
  return rows;
}

/** What reading an image cost, as the webview shows it. */
export function readView(cost: ReadCost): ReadView {
  return { bytesRead: cost.bytesRead, blobsRead: cost.blobsRead, fromKept: cost.fromKept };
}

/** The steps of an image read without an engine to ask: its config's history, layers matched by `empty_layer`. */
export function stepsFromHistory(a: ImageAnalysis): StepView[] {
  let layer = 0;
  const steps: StepView[] = a.history.map((h, index) => {
    const layerIndex = h.empty_layer ? undefined : layer++;
    return {
      index,
      text: parseBuildStep(h.created_by ?? '', h.comment).text,
      createdBy: h.created_by ?? '',
      layerIndex,
      size: layerIndex !== undefined ? (a.layers[layerIndex]?.size ?? 0) : 0,
      created: h.created,
      diffId: layerIndex !== undefined ? a.layers[layerIndex]?.diffId : undefined,
    };
  });
  // Layers the history does not mention (some exporters write none): one step each.
  for (; layer < a.layers.length; layer++) {
    steps.push({ index: steps.length, text: vscode.l10n.t('layer {0}', layer + 1), createdBy: '', layerIndex: layer, size: a.layers[layer].size, diffId: a.layers[layer].diffId });
  }
  return steps;
}
