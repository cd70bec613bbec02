import * as vscode from 'vscode';
import { sortContainers } from '../engine/containers';
import type { EngineRef } from '../engine/activeEngine';
import { Disposable } from '../lifecycle';
import { ContainerNode } from './containerNode';
import type { EngineStatus } from './engineStatus';

/** The Containers view: running containers first, then stopped ones, newest first. */
export class ContainersTreeProvider extends Disposable implements vscode.TreeDataProvider<ContainerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ContainerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, ContainerNode>();

  constructor(
    private readonly ref: EngineRef,
    private readonly status: EngineStatus,
  ) {
    super();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: ContainerNode): vscode.TreeItem {
    return node;
  }

  getParent(): undefined {
    return undefined;
  }

  /** The node last shown for a container (by full or short id), to reveal it. */
  nodeFor(id: string): ContainerNode | undefined {
    return [...this.nodes.values()].find((n) => n.container.id.startsWith(id));
  }

  async getChildren(node?: ContainerNode): Promise<ContainerNode[]> {
    if (node) {
      return [];
    }
    try {
      const containers = sortContainers(await this.ref.engine.listContainers());
      this.status.reportSuccess();
      const nodes = containers.map((c) => new ContainerNode(c));
      this.nodes = new Map(nodes.map((n) => [n.container.id, n]));
      return nodes;
    } catch (err) {
      this.status.reportFailure(err);
      this.nodes.clear();
      return [];
    }
  }
}
