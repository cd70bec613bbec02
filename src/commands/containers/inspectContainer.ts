import type { ContainerNode } from '../../views/containers/containerNode';
import { InspectDocumentProvider, openInspectDocument } from '../../views/images/inspectDocumentProvider';

/** Strata: Inspect Container — the engine's JSON in a read-only editor. */
export async function inspectContainer(node?: ContainerNode): Promise<void> {
  if (node) {
    await openInspectDocument(InspectDocumentProvider.uri('container', node.container.name, node.container.id));
  }
}
