import * as vscode from 'vscode';
import { isRunning, sortContainers, statsFigures } from '../../model/containers/containers';
import type { EngineRef } from '../../engine/activeEngine';
import { Disposable } from '../../shared/lifecycle';
import { ContainerFileNode, folderChildren } from './containerFiles';
import { ContainerNode } from './containerNode';
import type { EngineStatus } from '../engines/engineStatus';
import { MessageNode } from '../messageNode';

export type ContainersTreeNode = ContainerNode | ContainerFileNode | MessageNode;

/** How often live figures are asked for, while the view is shown. */
const FIGURES_EVERY_MS = 5000;

/**
 * The Containers view: running containers first, then stopped ones, newest first; under
 * each, its Files (through the archive API). While the view is shown, running
 * containers' CPU and memory are asked for every few seconds and shown in their tooltip;
 * while it is hidden, nothing is asked.
 */
export class ContainersTreeProvider extends Disposable implements vscode.TreeDataProvider<ContainersTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ContainersTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, ContainerNode>();
  private readonly figures = new Map<string, ContainerNode['figures']>();
  private timer: NodeJS.Timeout | undefined;
  /** Folder listings, kept a while: the view redraws for live figures without reading archives again. */
  private readonly listings = new Map<string, { at: number; nodes: Promise<ContainerFileNode[]> }>();

  constructor(
    private readonly ref: EngineRef,
    private readonly status: EngineStatus,
  ) {
    super();
    this._register({ dispose: () => clearInterval(this.timer) });
  }

  refresh(): void {
    this.listings.clear();
    this.changed.fire(undefined);
  }

  /** The view was shown or hidden: live figures are asked for only while it is shown. */
  setVisible(visible: boolean): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (visible) {
      void this.sampleFigures();
      this.timer = setInterval(() => void this.sampleFigures(), FIGURES_EVERY_MS);
    }
  }

  private async sampleFigures(): Promise<void> {
    const running = [...this.nodes.values()].filter((n) => isRunning(n.container) && n.container.state !== 'paused');
    await Promise.all(
      running.map(async (n) => {
        try {
          this.figures.set(n.container.id, statsFigures(await this.ref.engine.containerStats(n.container.id)));
        } catch {
          this.figures.delete(n.container.id); // stopped or gone meanwhile
        }
      }),
    );
    if (running.length) {
      this.changed.fire(undefined); // folder listings stay as they were read
    }
  }

  getTreeItem(node: ContainersTreeNode): vscode.TreeItem {
    return node;
  }

  getParent(): undefined {
    return undefined;
  }

  /** The node last shown for a container (by full or short id), to reveal it. */
  nodeFor(id: string): ContainerNode | undefined {
    return [...this.nodes.values()].find((n) => n.container.id.startsWith(id));
  }

  async getChildren(node?: ContainersTreeNode): Promise<ContainersTreeNode[]> {
    if (node instanceof ContainerNode) {
      return [new ContainerFileNode(node.container.id, node.container.name, '/')];
    }
    if (node instanceof ContainerFileNode) {
      const key = `${node.containerId}:${node.filePath}`;
      const kept = this.listings.get(key);
      try {
        if (kept && Date.now() - kept.at < 30_000) {
          return await kept.nodes;
        }
        const nodes = folderChildren(this.ref, node);
        this.listings.set(key, { at: Date.now(), nodes });
        return await nodes;
      } catch (err) {
        this.listings.delete(key);
        return [new MessageNode(node.id ?? node.filePath, this.ref.engine.describeError(err).message)];
      }
    }
    if (node) {
      return [];
    }
    try {
      const containers = sortContainers(await this.ref.engine.listContainers());
      this.status.reportSuccess();
      const nodes = containers.map((c) => new ContainerNode(c, isRunning(c) ? this.figures.get(c.id) : undefined));
      this.nodes = new Map(nodes.map((n) => [n.container.id, n]));
      return nodes;
    } catch (err) {
      this.status.reportFailure(err);
      this.nodes.clear();
      return [];
    }
  }
}
