import * as vscode from 'vscode';
import { formatBytes } from '../engine/format';
import type { ManifestSummary } from '../engine/images';
import { SIZE_NAMES } from '../engine/imageSizes';

/**
 * The manifests of a multi-platform image (containerd store): each platform present or
 * only listed, and the attestations (provenance, SBOM), which are never layers.
 */
export class PlatformsNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly manifests: ManifestNode[],
  ) {
    super('Platforms', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parentId}/platforms`;
    const images = manifests.filter((m) => m.manifest.kind === 'image').length;
    const attestations = manifests.filter((m) => m.manifest.kind === 'attestation').length;
    this.description = `${images} platform${images === 1 ? '' : 's'}${attestations ? `, ${attestations} attestation${attestations === 1 ? '' : 's'}` : ''}`;
    this.iconPath = new vscode.ThemeIcon('server-environment');
    this.contextValue = 'platforms';
  }
}

export class ManifestNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly manifest: ManifestSummary,
    shown: boolean,
    platformOf: (digest: string) => string | undefined,
  ) {
    const attestation = manifest.kind === 'attestation';
    const label = attestation ? `attestation for ${(manifest.attests && platformOf(manifest.attests)) ?? 'a platform'}` : (manifest.platform ?? 'unknown platform');
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/manifest:${manifest.id}`;
    const parts: string[] = [];
    if (!manifest.available) {
      parts.push('listed only, not pulled');
    } else if (attestation) {
      parts.push('provenance or SBOM, not a layer', formatBytes(manifest.contentSize));
    } else {
      if (shown) {
        parts.push('shown');
      }
      if (manifest.unpackedSize !== undefined) {
        parts.push(`${formatBytes(manifest.unpackedSize)} ${SIZE_NAMES.unpacked}`);
      }
      parts.push(`${formatBytes(manifest.contentSize)} ${SIZE_NAMES.content}`);
    }
    this.description = parts.join(' · ');
    this.iconPath = new vscode.ThemeIcon(attestation ? 'verified' : manifest.available ? 'vm' : 'cloud');
    this.contextValue = attestation ? 'manifest.attestation' : 'manifest.image';
    this.tooltip = `${label}\nmanifest ${manifest.id}`;
  }
}
