import * as vscode from 'vscode';
import type { RepositoryGroup } from '../../model/images';

/** A repository with its tagged images (or the untagged images, as `<none>`). */
export class RepositoryNode extends vscode.TreeItem {
  constructor(readonly group: RepositoryGroup) {
    super(group.repository, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `repo:${group.repository}`;
    const n = group.entries.length;
    this.description = group.repository === '<none>' ? vscode.l10n.t('{0} untagged', n) : n === 1 ? vscode.l10n.t('{0} tag', n) : vscode.l10n.t('{0} tags', n);
    this.contextValue = 'repository';
    this.iconPath = new vscode.ThemeIcon(group.repository === '<none>' ? 'circle-outline' : 'repo');
  }
}
