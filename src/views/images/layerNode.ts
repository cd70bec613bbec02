import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../../shared/format';
import { SIZE_NAMES } from '../../model/imageSizes';
import type { StackStep } from '../../model/layerStack';
import type { LayerPackages } from '../../model/packages';

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
    /** What the layer did to the installed packages, from the image's analysis. */
    packages?: LayerPackages,
  ) {
    super(step.step.text, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/step:${step.index}`;
    const isLayer = step.diffId !== undefined;
    const parts: string[] = [];
    if (isLayer) {
      parts.push(`#${(step.layerIndex ?? 0) + 1}`, formatBytes(analysedSize ?? step.size), formatAge(step.created, now));
      if ((step.sharedBy ?? 1) > 1) {
        parts.push(vscode.l10n.t('shared by {0} images', step.sharedBy ?? 1));
      }
    } else {
      parts.push(vscode.l10n.t('metadata'), formatAge(step.created, now));
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
      line(vscode.l10n.t('Layer {0}, diff id: {1}', (step.layerIndex ?? 0) + 1, step.diffId ?? ''));
      if (analysedSize !== undefined) {
        line(vscode.l10n.t('Size: {0} of {1} ({2} bytes)', formatBytes(analysedSize), SIZE_NAMES.files, analysedSize.toLocaleString('en-US')));
      } else {
        // The engine's history counts the layer as stored (the containerd store rounds to
        // its blocks, or counts compressed content): said so, until the analysis knows.
        line(vscode.l10n.t("Size: {0} as the engine's history gives it; Show Layers counts its files", formatBytes(step.size)));
      }
      const changed = packages ? packages.added.length + packages.upgraded.length + packages.removed.length : 0;
      if (packages && changed) {
        const size = packages.added.reduce((sum, p) => sum + (p.installedSize ?? 0), 0);
        line(
          size
            ? vscode.l10n.t('Packages: installed {0} ({1}), upgraded {2}, removed {3}', packages.added.length, formatBytes(size), packages.upgraded.length, packages.removed.length)
            : vscode.l10n.t('Packages: installed {0}, upgraded {1}, removed {2}', packages.added.length, packages.upgraded.length, packages.removed.length),
        );
      }
    } else {
      line(vscode.l10n.t('Metadata step: changes no files'));
    }
    line(vscode.l10n.t('Created: {0}', step.created.toLocaleString()));
    line(step.base ? vscode.l10n.t('From: base image {0}', step.base.name) : vscode.l10n.t('From: this image'));
    if ((step.sharedBy ?? 1) > 1) {
      line(vscode.l10n.t('Shared by {0} local images', step.sharedBy ?? 1));
    }
    this.tooltip = tooltip;
  }
}
