import type { ContainerNode } from '../views/containerNode';
import { InspectDocumentProvider, openInspectDocument } from '../views/inspectDocumentProvider';

/** Strata: Inspect Container — the engine's JSON in a read-only editor. */
export async function inspectContainer(node?: ContainerNode): Promise<void> {
  if (node) {
    await openInspectDocument(InspectDocumentProvider.uri('container', node.container.name, node.container.id));
  }
}
