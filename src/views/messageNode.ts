import * as vscode from 'vscode';

/** A line of text in a tree where data could not be shown (an image removed meanwhile…). */
export class MessageNode extends vscode.TreeItem {
  constructor(parentId: string, message: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/message`;
    this.iconPath = new vscode.ThemeIcon('warning');
    this.contextValue = 'message';
  }
}
