import type { ContainerLogs } from '../views/containerLogs';
import type { ContainerNode } from '../views/containerNode';

/** Strata: Show Logs — the container's Output channel, following its logs. */
export function showContainerLogs(logs: ContainerLogs, node?: ContainerNode): void {
  if (node) {
    logs.show(node.container.id, node.container.name);
  }
}
