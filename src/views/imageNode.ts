import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../engine/format';
import type { ImageEntry } from '../engine/images';

/** An image under one of its names; `contextValue` is what package.json menus match. */
export class ImageNode extends vscode.TreeItem {
  constructor(
    readonly entry: ImageEntry,
    now: Date = new Date(),
  ) {
    super(entry.reference, vscode.TreeItemCollapsibleState.None);
    const { image } = entry;
    this.id = `image:${image.id}:${entry.reference}`;
    this.description = `${formatBytes(image.size)} · ${formatAge(image.created, now)}`;
    this.contextValue = entry.dangling ? 'image.dangling' : 'image';
    this.iconPath = new vscode.ThemeIcon(entry.dangling ? 'circle-outline' : 'package');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(entry.reference);
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText(`ID: ${image.id}`);
    tooltip.appendMarkdown('  \n');
    tooltip.appendText(`Created: ${image.created.toLocaleString()}`);
    tooltip.appendMarkdown('  \n');
    tooltip.appendText(`Size: ${image.size.toLocaleString('en-US')} bytes (${formatBytes(image.size)})`);
    this.tooltip = tooltip;
  }
}
