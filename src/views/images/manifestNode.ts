import * as vscode from 'vscode';
import { formatBytes } from '../../shared/format';
import type { ManifestSummary } from '../../model/images';
import { SIZE_NAMES } from '../../model/imageSizes';

/**
 * The manifests of a multi-platform image (containerd store): each platform present or
 * only listed, and the attestations (provenance, SBOM), which are never layers.
 */
export class PlatformsNode extends vscode.TreeItem {
  constructor(
    parentId: string,
    readonly manifests: ManifestNode[],
  ) {
    super(vscode.l10n.t('Platforms'), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parentId}/platforms`;
    const images = manifests.filter((m) => m.manifest.kind === 'image').length;
    const attestations = manifests.filter((m) => m.manifest.kind === 'attestation').length;
    const platforms = images === 1 ? vscode.l10n.t('{0} platform', images) : vscode.l10n.t('{0} platforms', images);
    this.description = attestations
      ? attestations === 1
        ? vscode.l10n.t('{0}, {1} attestation', platforms, attestations)
        : vscode.l10n.t('{0}, {1} attestations', platforms, attestations)
      : platforms;
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
    const attested = (manifest.attests && platformOf(manifest.attests)) ?? undefined;
    const label = attestation
      ? attested !== undefined
        ? vscode.l10n.t('attestation for {0}', attested)
        : vscode.l10n.t('attestation for a platform')
      : (manifest.platform ?? vscode.l10n.t('unknown platform'));
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/manifest:${manifest.id}`;
    const parts: string[] = [];
    if (!manifest.available) {
      parts.push(vscode.l10n.t('listed only, not pulled'));
    } else if (attestation) {
      parts.push(vscode.l10n.t('provenance or SBOM, not a layer'), formatBytes(manifest.contentSize));
    } else {
      if (shown) {
        parts.push(vscode.l10n.t('shown'));
      }
      if (manifest.unpackedSize !== undefined) {
        parts.push(`${formatBytes(manifest.unpackedSize)} ${SIZE_NAMES.unpacked}`);
      }
      parts.push(`${formatBytes(manifest.contentSize)} ${SIZE_NAMES.content}`);
    }
    this.description = parts.join(' · ');
    this.iconPath = new vscode.ThemeIcon(attestation ? 'verified' : manifest.available ? 'vm' : 'cloud');
    this.contextValue = attestation ? 'manifest.attestation' : 'manifest.image';
    this.tooltip = `${label}\n${vscode.l10n.t('manifest {0}', manifest.id)}`;
  }
}
