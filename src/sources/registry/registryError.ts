/**
 * Why a registry could not be read, by code with its arguments, each named with the
 * registry and the reference (the sentence through the l10n bundle the edge loaded).
 */
import * as l10n from '@vscode/l10n';

export type RegistryProblem =
  | { code: 'badReference'; text: string; detail: string }
  | { code: 'unknownHost'; registry: string }
  | { code: 'unreachable'; registry: string; detail: string }
  | { code: 'plainHttp'; registry: string }
  | { code: 'notHttps'; registry: string }
  | { code: 'unknownCertificate'; registry: string; detail: string }
  | { code: 'needsLogin'; registry: string; reference: string }
  | { code: 'badCredentials'; registry: string; reference: string }
  | { code: 'denied'; registry: string; reference: string }
  | { code: 'notFound'; registry: string; reference: string }
  | { code: 'noPlatform'; registry: string; reference: string; platform: string; available: string }
  | { code: 'choosePlatform'; registry: string; reference: string; available: string }
  | { code: 'unsupportedManifest'; registry: string; reference: string; mediaType: string }
  | { code: 'digestMismatch'; registry: string; digest: string; actual: string }
  | { code: 'interrupted'; registry: string; digest: string; detail: string }
  | { code: 'busy'; registry: string; retryAfter?: string }
  | { code: 'serverError'; registry: string; status: number; retryAfter?: string }
  | { code: 'unexpected'; registry: string; status: number; detail: string };

function later(retryAfter: string | undefined): string {
  if (!retryAfter) {
    return l10n.t('try again later');
  }
  return /^\d+$/.test(retryAfter) ? l10n.t('try again in {0} s', retryAfter) : l10n.t('try again after {0}', retryAfter);
}

function phrase(p: RegistryProblem): string {
  switch (p.code) {
    case 'badReference':
      return l10n.t('"{0}" is not an image reference: {1}.', p.text, p.detail);
    case 'unknownHost':
      return l10n.t('The registry {0} is not known (its name does not resolve): check the address.', p.registry);
    case 'unreachable':
      return l10n.t('The registry {0} cannot be reached ({1}): check that it is up and that its address is right.', p.registry, p.detail);
    case 'plainHttp':
      return l10n.t('The registry {0} answers plain HTTP, not HTTPS: if you trust it, add it to strata.insecureRegistries.', p.registry);
    case 'notHttps':
      return l10n.t('The registry {0} speaks HTTPS, not plain HTTP: remove it from strata.insecureRegistries.', p.registry);
    case 'unknownCertificate':
      return l10n.t('The registry {0} has a certificate Strata does not trust ({1}): give its CA in strata.registryCaFiles (or the CLI\'s --ca).', p.registry, p.detail);
    case 'needsLogin':
      return l10n.t('The registry {0} needs you to log in to read {1}: run docker login {0}, then retry.', p.registry, p.reference);
    case 'badCredentials':
      return l10n.t('The registry {0} refused the credentials for {1}: log in again (docker login {0}) and retry.', p.registry, p.reference);
    case 'denied':
      return l10n.t('The registry {0} does not let you read {1}: ask for access to it.', p.registry, p.reference);
    case 'notFound':
      return l10n.t('{1} is not in the registry {0}: check the repository and the tag.', p.registry, p.reference);
    case 'noPlatform':
      return l10n.t('{1} on {0} has no {2} image: it has {3}.', p.registry, p.reference, p.platform, p.available);
    case 'choosePlatform':
      return l10n.t('{1} on {0} is an index of {2}: choose one with --platform.', p.registry, p.reference, p.available);
    case 'unsupportedManifest':
      return l10n.t('{1} on {0} is a {2} manifest, which Strata does not read (it reads Docker v2 schema 2 and OCI images and indexes).', p.registry, p.reference, p.mediaType);
    case 'digestMismatch':
      return l10n.t('The registry {0} sent a blob that is not {1} (it hashes to {2}): nothing of it was kept. The registry\'s copy may be damaged.', p.registry, p.digest, p.actual);
    case 'interrupted':
      return l10n.t('The download of {1} from {0} broke off twice ({2}): nothing of it was kept. Try again.', p.registry, p.digest, p.detail);
    case 'busy':
      return l10n.t('The registry {0} asks for fewer requests (429 Too Many Requests): {1}.', p.registry, later(p.retryAfter));
    case 'serverError':
      return l10n.t('The registry {0} failed (HTTP {1}): {2}.', p.registry, p.status, later(p.retryAfter));
    case 'unexpected':
      return l10n.t('The registry {0} answered HTTP {1}: {2}', p.registry, p.status, p.detail);
  }
}

export class RegistryError extends Error {
  constructor(readonly problem: RegistryProblem) {
    super(phrase(problem));
    this.name = 'RegistryError';
  }
}
