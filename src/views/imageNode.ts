import * as vscode from 'vscode';
import type { BuiltOn } from '../engine/baseImages';
import { formatAge, formatBytes } from '../engine/format';
import type { ImageEntry } from '../engine/images';
import { SIZE_NAMES, imageAttestations, imagePlatforms, imageSizes } from '../engine/imageSizes';

const bytes = (n: number) => `${formatBytes(n)} (${n.toLocaleString('en-US')} bytes)`;

/** An image under one of its names; expanding it shows its layer stack. */
export class ImageNode extends vscode.TreeItem {
  constructor(
    readonly entry: ImageEntry,
    readonly builtOn: BuiltOn | undefined,
    now: Date = new Date(),
    /** The platform the engine runs: whose sizes and layers are shown. */
    readonly enginePlatform?: string,
    /** The image its tag named before (src/engine/previousBuild.ts), when still on the engine. */
    readonly previousBuild?: string,
  ) {
    super(entry.dangling ? entry.reference : entry.tag, vscode.TreeItemCollapsibleState.Collapsed);
    const { image } = entry;
    this.id = entry.dangling ? `image:${image.id}` : `image:${entry.reference}`;
    const sizes = imageSizes(image, enginePlatform);
    const platforms = imagePlatforms(image);
    const parts = [formatBytes(sizes.unpacked), formatAge(image.created, now)];
    if (platforms.length > 1) {
      parts.push(`${platforms.length} platforms`);
    }
    if (builtOn) {
      parts.push(`built on ${builtOn.name}`);
    }
    this.description = parts.join(' · ');
    // `image`, `image.previousBuild` (Compare with Previous Build applies) and
    // `image.dangling` are what package.json menus match.
    this.contextValue = entry.dangling ? 'image.dangling' : previousBuild ? 'image.previousBuild' : 'image';
    this.iconPath = new vscode.ThemeIcon(entry.dangling ? 'circle-outline' : 'package');
    const tooltip = new vscode.MarkdownString();
    const line = (text: string) => {
      tooltip.appendText(text);
      tooltip.appendMarkdown('  \n');
    };
    tooltip.appendText(entry.reference);
    tooltip.appendMarkdown('\n\n');
    line(`ID: ${image.id}`);
    line(`Created: ${image.created.toLocaleString()}`);
    line(`Size ${SIZE_NAMES.unpacked}: ${bytes(sizes.unpacked)}${sizes.platform && platforms.length > 1 ? `, for ${sizes.platform}` : ''}`);
    if (sizes.content !== undefined) {
      line(`Size ${SIZE_NAMES.content}: ${bytes(sizes.content)}`);
    }
    if (sizes.shared !== undefined) {
      line(`Size ${SIZE_NAMES.shared}: ${bytes(sizes.shared)}`);
    }
    if (platforms.length > 1) {
      line(`Platforms: ${platforms.map((p) => `${p.platform}${p.available ? '' : ' (listed only)'}`).join(', ')}`);
    }
    const attestations = imageAttestations(image);
    if (attestations.length) {
      line(`Attestation manifests (provenance, SBOM): ${attestations.length}, not layers`);
    }
    if (builtOn) {
      line(`Built on: ${builtOn.name}${builtOn.local ? '' : ' (from its base-name label; not a local image)'}`);
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
