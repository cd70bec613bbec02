import type { ContainerLogs } from '../../views/containers/containerLogs';
import type { ContainerNode } from '../../views/containers/containerNode';

/** Strata: Show Logs — the container's Output channel, following its logs. */
export function showContainerLogs(logs: ContainerLogs, node?: ContainerNode): void {
  if (node) {
    logs.show(node.container.id, node.container.name);
  }
}
