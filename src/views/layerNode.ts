import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../engine/format';
import { SIZE_NAMES } from '../engine/imageSizes';
import type { StackStep } from '../engine/layerStack';

/**
 * One build step of an image: a filesystem layer (numbered from the base, 1 = bottom),
 * or a metadata step (CMD, ENV…) that changed no files, drawn dimmer and unnumbered.
 */
export class LayerNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly step: StackStep,
    now: Date = new Date(),
    /** The layer's size from the image's analysis; the history's until there is one. */
    analysedSize?: number,
  ) {
    super(step.step.text, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/step:${step.index}`;
    const isLayer = step.diffId !== undefined;
    const parts: string[] = [];
    if (isLayer) {
      parts.push(`#${(step.layerIndex ?? 0) + 1}`, formatBytes(analysedSize ?? step.size), formatAge(step.created, now));
      if ((step.sharedBy ?? 1) > 1) {
        parts.push(`shared by ${step.sharedBy} images`);
      }
    } else {
      parts.push('metadata', formatAge(step.created, now));
    }
    this.description = parts.join(' · ');
    this.contextValue = isLayer ? 'layer' : 'layer.metadata';
    this.iconPath = isLayer
      ? new vscode.ThemeIcon('layers')
      : new vscode.ThemeIcon('symbol-property', new vscode.ThemeColor('disabledForeground'));

    const tooltip = new vscode.MarkdownString();
    tooltip.appendCodeblock(step.createdBy || step.step.text, 'dockerfile');
    const line = (text: string) => {
      tooltip.appendText(text);
      tooltip.appendMarkdown('  \n');
    };
    if (isLayer) {
      line(`Layer ${(step.layerIndex ?? 0) + 1}, diff id: ${step.diffId}`);
      if (analysedSize !== undefined) {
        line(`Size: ${formatBytes(analysedSize)} of ${SIZE_NAMES.files} (${analysedSize.toLocaleString('en-US')} bytes)`);
      } else {
        // The engine's history counts the layer as stored (the containerd store rounds to
        // its blocks, or counts compressed content): said so, until the analysis knows.
        line(`Size: ${formatBytes(step.size)} as the engine's history gives it; Show Layers counts its files`);
      }
    } else {
      line('Metadata step: changes no files');
    }
    line(`Created: ${step.created.toLocaleString()}`);
    line(`From: ${step.base ? `base image ${step.base.name}` : 'this image'}`);
    if ((step.sharedBy ?? 1) > 1) {
      line(`Shared by ${step.sharedBy} local images`);
    }
    this.tooltip = tooltip;
  }
}
