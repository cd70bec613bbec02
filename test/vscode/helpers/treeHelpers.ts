import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import type { ImageNode } from '../../../src/views/images/imageNode';

export const EXTENSION_ID = 'strata-dev.strata';

export async function activateStrata(): Promise<StrataApi> {
  const extension = vscode.extensions.getExtension<StrataApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  }
  return extension.activate();
}

/** Every image node of the Images view, as VS Code would ask for them. */
export async function imageNodes(api: StrataApi): Promise<ImageNode[]> {
  const nodes: ImageNode[] = [];
  for (const repo of await api.images.getChildren()) {
    nodes.push(...((await api.images.getChildren(repo)) as ImageNode[]));
  }
  return nodes;
}

export async function imageNode(api: StrataApi, reference: string): Promise<ImageNode> {
  const node = (await imageNodes(api)).find((n) => n.reference === reference);
  if (!node) {
    throw new Error(`${reference} is not in the Images view`);
  }
  return node;
}
