import * as vscode from 'vscode';
import type { BuiltOn } from '../engine/baseImages';
import { formatAge, formatBytes } from '../engine/format';
import type { ImageEntry } from '../engine/images';

/** An image under one of its names; expanding it shows its layer stack. */
export class ImageNode extends vscode.TreeItem {
  constructor(
    readonly entry: ImageEntry,
    readonly builtOn: BuiltOn | undefined,
    now: Date = new Date(),
  ) {
    super(entry.dangling ? entry.reference : entry.tag, vscode.TreeItemCollapsibleState.Collapsed);
    const { image } = entry;
    this.id = entry.dangling ? `image:${image.id}` : `image:${entry.reference}`;
    const parts = [formatBytes(image.size), formatAge(image.created, now)];
    if (builtOn) {
      parts.push(`built on ${builtOn.name}`);
    }
    this.description = parts.join(' · ');
    // `image` and `image.dangling` are what package.json menus match.
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
    if (builtOn) {
      tooltip.appendMarkdown('  \n');
      tooltip.appendText(`Built on: ${builtOn.name}${builtOn.local ? '' : ' (from its base-name label; not a local image)'}`);
    }
    this.tooltip = tooltip;
  }

  get reference(): string {
    return this.entry.reference;
  }

  get imageId(): string {
    return this.entry.image.id;
  }
}
