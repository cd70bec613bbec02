import * as vscode from 'vscode';
import type { DockerEngine } from '../engine/dockerEngine';
import { toImageEntries } from '../engine/images';
import { Disposable } from '../lifecycle';
import type { EngineStatus } from './engineStatus';
import { ImageNode } from './imageNode';

export interface ImagesViewSettings {
  showDangling(): boolean;
}

/** The Images view: one node per image name, newest first. */
export class ImagesTreeProvider extends Disposable implements vscode.TreeDataProvider<ImageNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ImageNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly engine: DockerEngine,
    private readonly status: EngineStatus,
    private readonly settings: ImagesViewSettings,
  ) {
    super();
  }

  refresh(node?: ImageNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: ImageNode): Promise<ImageNode[]> {
    if (node) {
      return [];
    }
    try {
      const images = await this.engine.listImages();
      this.status.reportSuccess();
      const now = new Date();
      return toImageEntries(images, { showDangling: this.settings.showDangling() }).map(
        (entry) => new ImageNode(entry, now),
      );
    } catch (err) {
      // An empty tree lets the welcome content for this problem show instead.
      this.status.reportFailure(err);
      return [];
    }
  }
}
