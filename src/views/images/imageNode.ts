import * as vscode from 'vscode';
import type { BuiltOn } from '../../model/baseImages';
import { formatAge, formatBytes } from '../../shared/format';
import type { ImageEntry } from '../../model/images';
import { SIZE_NAMES, imageAttestations, imagePlatforms, imageSizes } from '../../model/imageSizes';

const bytes = (n: number) => vscode.l10n.t('{0} ({1} bytes)', formatBytes(n), n.toLocaleString('en-US'));

/** An image under one of its names; expanding it shows its layer stack. */
export class ImageNode extends vscode.TreeItem {
  constructor(
    readonly entry: ImageEntry,
    readonly builtOn: BuiltOn | undefined,
    now: Date = new Date(),
    /** The platform the engine runs: whose sizes and layers are shown. */
    readonly enginePlatform?: string,
    /** The image its tag named before (src/model/previousBuild.ts), when still on the engine. */
    readonly previousBuild?: string,
    /** Its name is on a registry of the Registries view (Compare with Registry Version applies). */
    readonly onRegistry = false,
  ) {
    super(entry.dangling ? entry.reference : entry.tag, vscode.TreeItemCollapsibleState.Collapsed);
    const { image } = entry;
    this.id = entry.dangling ? `image:${image.id}` : `image:${entry.reference}`;
    const sizes = imageSizes(image, enginePlatform);
    const platforms = imagePlatforms(image);
    const parts = [formatBytes(sizes.unpacked), formatAge(image.created, now)];
    if (platforms.length > 1) {
      parts.push(vscode.l10n.t('{0} platforms', platforms.length));
    }
    if (builtOn) {
      parts.push(vscode.l10n.t('built on {0}', builtOn.name));
    }
    this.description = parts.join(' · ');
    // `image`, `image.previousBuild` (Compare with Previous Build applies) and
    // `image.dangling` are what package.json menus match; `.onRegistry` after the first two
    // when its name is on a registry of the Registries view (Compare with Registry Version).
    this.contextValue = `${entry.dangling ? 'image.dangling' : previousBuild ? 'image.previousBuild' : 'image'}${onRegistry ? '.onRegistry' : ''}`;
    this.iconPath = new vscode.ThemeIcon(entry.dangling ? 'circle-outline' : 'package');
    const tooltip = new vscode.MarkdownString();
    const line = (text: string) => {
      tooltip.appendText(text);
      tooltip.appendMarkdown('  \n');
    };
    tooltip.appendText(entry.reference);
    tooltip.appendMarkdown('\n\n');
    line(vscode.l10n.t('ID: {0}', image.id));
    line(vscode.l10n.t('Created: {0}', image.created.toLocaleString()));
    line(
      sizes.platform && platforms.length > 1
        ? vscode.l10n.t('Size {0}: {1}, for {2}', SIZE_NAMES.unpacked, bytes(sizes.unpacked), sizes.platform)
        : vscode.l10n.t('Size {0}: {1}', SIZE_NAMES.unpacked, bytes(sizes.unpacked)),
    );
    if (sizes.content !== undefined) {
      line(vscode.l10n.t('Size {0}: {1}', SIZE_NAMES.content, bytes(sizes.content)));
    }
    if (sizes.shared !== undefined) {
      line(vscode.l10n.t('Size {0}: {1}', SIZE_NAMES.shared, bytes(sizes.shared)));
    }
    if (platforms.length > 1) {
      line(vscode.l10n.t('Platforms: {0}', platforms.map((p) => (p.available ? p.platform : vscode.l10n.t('{0} (listed only)', p.platform))).join(', ')));
    }
    const attestations = imageAttestations(image);
    if (attestations.length) {
      line(vscode.l10n.t('Attestation manifests (provenance, SBOM): {0}, not layers', attestations.length));
    }
    if (builtOn) {
      line(builtOn.local ? vscode.l10n.t('Built on: {0}', builtOn.name) : vscode.l10n.t('Built on: {0} (from its base-name label; not a local image)', builtOn.name));
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
