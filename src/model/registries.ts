/**
 * Which registries the Registries view lists: those the docker CLI is logged in to (the
 * keys of its config's `auths`) and those of the strata.registries setting, each once.
 * Docker Hub is listed only when the setting names it: `docker login` puts it in nearly
 * every config, and it lists no repositories (no catalog), so it would be an empty node.
 */
import { parseReference } from './reference';

export const DOCKER_HUB = 'docker.io';

export interface ConfiguredRegistry {
  address: string;
  repositories: string[];
}

export interface KnownRegistry {
  /** host[:port] as references name it (`docker.io` for Docker Hub). */
  address: string;
  /** Repositories the setting lists for it, as the registry names them (`library/busybox` on Docker Hub). */
  repositories: string[];
  /** In the docker CLI's config (`docker login`). */
  loggedIn: boolean;
  /** In the strata.registries setting. */
  configured: boolean;
}

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * A registry's address from how a config or a user writes it: `https://index.docker.io/v1/`
 * (the CLI's key for Docker Hub) is `docker.io`, `https://ghcr.io` is `ghcr.io`; undefined
 * when it names no registry.
 */
export function registryAddress(text: string): string | undefined {
  const host = text
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
  if (!host) {
    return undefined;
  }
  if (DOCKER_HUB_NAMES.has(host)) {
    return DOCKER_HUB;
  }
  // The reference grammar decides what a registry address is (`host/x` parses with it as the registry).
  const parsed = parseReference(`${host}/x`);
  return parsed.ok && parsed.reference.registry === host ? host : undefined;
}

/** A repository as the registry names it (`busybox` on Docker Hub is `library/busybox`); undefined when it is not a repository name. */
export function repositoryName(address: string, text: string): string | undefined {
  const parsed = parseReference(`${address}/${text.trim()}`);
  if (!parsed.ok || parsed.reference.tag || parsed.reference.digest || parsed.reference.registry !== address) {
    return undefined;
  }
  const repository = parsed.reference.repository;
  return address === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository;
}

/** The registries to list, by address; the setting's repositories kept (each once, in its order). */
export function knownRegistries(loggedIn: readonly string[], configured: readonly ConfiguredRegistry[]): KnownRegistry[] {
  const byAddress = new Map<string, KnownRegistry>();
  for (const c of configured) {
    const address = registryAddress(c.address);
    if (!address) {
      continue;
    }
    const known = byAddress.get(address) ?? { address, repositories: [], loggedIn: false, configured: true };
    for (const r of c.repositories) {
      const name = repositoryName(address, r);
      if (name && !known.repositories.includes(name)) {
        known.repositories.push(name);
      }
    }
    byAddress.set(address, known);
  }
  for (const key of loggedIn) {
    const address = registryAddress(key);
    if (!address) {
      continue;
    }
    const known = byAddress.get(address);
    if (known) {
      known.loggedIn = true;
    } else if (address !== DOCKER_HUB) {
      byAddress.set(address, { address, repositories: [], loggedIn: true, configured: false });
    }
  }
  return [...byAddress.values()].sort((a, b) => a.address.localeCompare(b.address));
}

/** The known registry an image's reference lives on (`127.0.0.1:5000/app:1` on `127.0.0.1:5000`), if any. */
export function registryOf(reference: string, registries: readonly KnownRegistry[]): KnownRegistry | undefined {
  const parsed = parseReference(reference);
  return parsed.ok ? registries.find((r) => r.address === parsed.reference.registry.toLowerCase()) : undefined;
}
