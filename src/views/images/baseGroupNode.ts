import * as vscode from 'vscode';
import { formatBytes } from '../../shared/format';
import type { StackGroup } from '../../model/layerStack';
import type { LayerNode } from './layerNode';

/** The range of an image's layers that came from one local base image, collapsed by default. */
export class BaseGroupNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly group: StackGroup,
    readonly layers: LayerNode[],
  ) {
    super(group.base ? vscode.l10n.t('from {0}', group.base.name) : vscode.l10n.t('from this image'), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parentId}/base:${group.base?.id ?? 'own'}`;
    const n = group.layerCount;
    this.description = n === 1 ? vscode.l10n.t('{0} layer, {1}', n, formatBytes(group.size)) : vscode.l10n.t('{0} layers, {1}', n, formatBytes(group.size));
    this.contextValue = 'baseGroup';
    this.iconPath = new vscode.ThemeIcon('layers');
    this.tooltip = group.base ? vscode.l10n.t('Layers from the local image {0} ({1})', group.base.name, group.base.id) : vscode.l10n.t('Layers of this image');
  }
}
