import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

/**
 * The Containers view. Until containers are listed, it stays empty so that its welcome
 * content (what it will show, or why the engine cannot be reached) is displayed.
 */
export class ContainersTreeProvider extends Disposable implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.TreeItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: vscode.TreeItem): vscode.TreeItem {
    return node;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }
}
