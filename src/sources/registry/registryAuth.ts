/**
 * How a registry asks to be logged in to, and the tokens it hands out: a 401's
 * `WWW-Authenticate` challenge is either Basic (send the credentials) or Bearer (ask its
 * realm for a token for the scope, with the credentials when there are any: Docker Hub,
 * GHCR, GitLab, distribution's token auth). Tokens are kept until they expire.
 */

export interface Challenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
}

/** The challenges of a WWW-Authenticate header (`Bearer realm="…",service="…",scope="…"`). */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  const m = /^\s*(Basic|Bearer)\b(.*)$/i.exec(text ?? '');
  if (!m) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: m[1].toLowerCase() as Challenge['scheme'], realm: params.realm, service: params.service, scope: params.scope };
}

/** What a registry's login gives: a user and password, or an identity token (a refresh token for the realm). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  identitytoken?: string;
}

export function basicHeader(c: RegistryCredentials): string | undefined {
  return c.username !== undefined && c.password !== undefined ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
}

interface KeptToken {
  token: string;
  expires: number;
}

/** Tokens by realm, service and scope; one a registry refused (401) is forgotten so the next ask gets a new one. */
export class TokenStore {
  private readonly tokens = new Map<string, KeptToken>();

  static key(c: Challenge, scope: string): string {
    return `${c.realm} ${c.service ?? ''} ${scope}`;
  }

  get(key: string, now = Date.now()): string | undefined {
    const kept = this.tokens.get(key);
    if (kept && kept.expires > now) {
      return kept.token;
    }
    this.tokens.delete(key);
    return undefined;
  }

  /** `expiresIn`: seconds, as the realm says (60 when it says nothing, as the spec has it); kept a little shorter. */
  set(key: string, token: string, expiresIn: number | undefined, now = Date.now()): void {
    const seconds = expiresIn && expiresIn > 0 ? expiresIn : 60;
    this.tokens.set(key, { token, expires: now + Math.max(1, seconds - 5) * 1000 });
  }

  forget(key: string): void {
    this.tokens.delete(key);
  }
}
