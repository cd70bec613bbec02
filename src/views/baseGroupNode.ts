import * as vscode from 'vscode';
import { formatBytes } from '../engine/format';
import type { StackGroup } from '../engine/layerStack';
import type { LayerNode } from './layerNode';

/** The range of an image's layers that came from one local base image, collapsed by default. */
export class BaseGroupNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly group: StackGroup,
    readonly layers: LayerNode[],
  ) {
    super(`from ${group.base?.name ?? 'this image'}`, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parentId}/base:${group.base?.id ?? 'own'}`;
    const n = group.layerCount;
    this.description = `${n} layer${n === 1 ? '' : 's'}, ${formatBytes(group.size)}`;
    this.contextValue = 'baseGroup';
    this.iconPath = new vscode.ThemeIcon('layers');
    this.tooltip = `Layers ${group.base ? `from the local image ${group.base.name} (${group.base.id})` : 'of this image'}`;
  }
}
