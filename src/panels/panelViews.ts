/** What both panels send their webviews alike: an image's steps, and the rows of one folder of a tree. */
import type { AlignedStep } from '../model/layerAlignment';
import type { StepView } from '../protocol/layersProtocol';
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
