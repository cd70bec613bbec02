/**
 * The secrets an image carries, from its layers' facts: each with the layer that added
 * it, the build step that made that layer, and whether a later layer hid it (removed or
 * overwrote it). Hidden or not, it is still in the image: anyone who pulls the image can
 * extract the layer that added it.
 */
import * as l10n from '@vscode/l10n';
import type { ImageAnalysis } from './imageAnalysis';
import type { SecretFinding, SecretKind } from './secrets/secretDetectors';

export interface ImageSecret extends Omit<SecretFinding, 'path'> {
  /** The file, with a leading '/'. */
  path: string;
  /** The layer that added it (0 = base). */
  layer: number;
  /** The history step that made that layer, when known. */
  createdBy?: string;
  /** A later layer that removed or overwrote it: the layer still holds it. */
  hidden?: { layer: number; how: 'removed' | 'overwritten' };
}

export function imageSecrets(analysis: ImageAnalysis): ImageSecret[] {
  const layers = analysis.archiveLayers;
  const secrets: ImageSecret[] = [];
  for (let i = 0; i < layers.length; i++) {
    for (const f of layers[i].facts?.secrets ?? []) {
      const createdBy = analysis.layers[i]?.createdBy;
      const hidden = hiddenAfter(analysis, f.path, i);
      secrets.push({ kind: f.kind, path: `/${f.path}`, line: f.line, fingerprint: f.fingerprint, layer: i, ...(createdBy !== undefined ? { createdBy } : {}), ...(hidden ? { hidden } : {}) });
    }
  }
  return secrets;
}

/** The first layer above `layer` that removes `path` (or a folder above it) or writes it again. */
function hiddenAfter(analysis: ImageAnalysis, path: string, layer: number): ImageSecret['hidden'] {
  for (let m = layer + 1; m < analysis.layers.length; m++) {
    for (const c of analysis.changesOf(m)) {
      if (c.kind === 'removed' ? c.path === path || path.startsWith(`${c.path}/`) : c.path === path) {
        return { layer: m, how: c.kind === 'removed' ? 'removed' : 'overwritten' };
      }
    }
  }
  return undefined;
}

/** One line for people, never the value: "GitHub token in /app/.env line 2 (fingerprint 1a2b3c4d)". */
export function describeSecret(s: ImageSecret): string {
  const hidden = s.hidden ? `; ${s.hidden.how} by layer ${s.hidden.layer + 1}, but still in layer ${s.layer + 1}` : '';
  return `${secretKindName(s.kind)} in ${s.path} line ${s.line} (fingerprint ${s.fingerprint}), added by layer ${s.layer + 1}${hidden}`;
}

/** A kind as people read it (in the user's language in VS Code, English in the CLI). */
export function secretKindName(kind: SecretKind): string {
  switch (kind) {
    case 'private-key':
      return l10n.t('private key');
    case 'aws-access-key':
      return l10n.t('AWS access key and secret');
    case 'gcp-service-account':
      return l10n.t('GCP service-account key');
    case 'github-token':
      return l10n.t('GitHub token');
    case 'gitlab-token':
      return l10n.t('GitLab token');
    case 'slack-token':
      return l10n.t('Slack token');
    case 'npm-token':
      return l10n.t('npm token');
    case 'pypi-token':
      return l10n.t('PyPI token');
    case 'git-credentials':
      return l10n.t('git credentials');
    case 'npmrc-auth':
      return l10n.t('.npmrc credentials');
    case 'pypirc-password':
      return l10n.t('.pypirc password');
    case 'docker-config-auth':
      return l10n.t('Docker registry credentials');
    case 'env-secret':
      return l10n.t('.env secret');
  }
}
