/**
 * Image references by the grammar registries and the engine use (distribution's
 * reference package): [registry[:port]/]path[:tag][@digest], each path component lower
 * case letters and digits with single separators (`.`, `_`, `__`, runs of `-`). Checked
 * as the user types, with a sentence that says what is wrong.
 */

export interface ImageReference {
  /** The registry host[:port]; `docker.io` when the name has none. */
  registry: string;
  /** The repository as the registry knows it (`library/busybox` for Docker Hub's official ones). */
  repository: string;
  /** As the user wrote it, minus the tag and digest (`busybox`, `127.0.0.1:5000/app`). */
  name: string;
  tag?: string;
  digest?: string;
}

export type ParsedReference = { ok: true; reference: ImageReference } | { ok: false; error: string };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Whether the first component names a registry, as the engine decides it. */
function isRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

export function parseReference(text: string): ParsedReference {
  const raw = text.trim();
  const fail = (error: string): ParsedReference => ({ ok: false, error });
  if (!raw) {
    return fail('Give an image reference, such as busybox:1.36 or registry.example.com:5000/team/app:2.1.');
  }
  if (/\s/.test(raw)) {
    return fail(`"${raw}" has a space in it; a reference has none.`);
  }
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      return fail(`"${digest}" is not a digest: write sha256: and 64 hex digits.`);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      return fail(`"${tag}" is not a valid tag: up to 128 letters, digits, _, . and -, not starting with . or -.`);
    }
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isRegistry(parts[0])) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) {
      return fail(`"${registry}" is not a registry address: write host or host:port.`);
    }
  }
  if (parts.length === 0 || parts.some((p) => p === '')) {
    return fail(`"${raw}" has an empty part between slashes.`);
  }
  for (const p of parts) {
    if (p !== p.toLowerCase() && COMPONENT.test(p.toLowerCase())) {
      return fail(`Image names are lower case: write ${p.toLowerCase()}, not ${p}.`);
    }
    if (!COMPONENT.test(p)) {
      return fail(`"${p}" is not a valid name part: lower case letters and digits, joined by single ., _, __ or -.`);
    }
  }
  const name = raw.slice(0, raw.length - (tag ? tag.length + 1 : 0) - (digest ? digest.length + 1 : 0));
  if (name.length > 255) {
    return fail('The name is longer than the 255 characters a registry takes.');
  }
  const repository = registry === 'docker.io' && parts.length === 1 ? `library/${parts[0]}` : parts.join('/');
  return { ok: true, reference: { registry, repository, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) } };
}

/** The registry key docker's config.json uses for a registry (Docker Hub has its own). */
export function configKey(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}
