/**
 * A client of one registry, by the OCI Distribution spec, in plain Node: manifests (Docker
 * v2 schema 2, OCI manifests and indexes, Docker manifest lists), blobs streamed and
 * checked against their digest as they stream (a broken download resumes once with a
 * Range request), tags and the catalog paged by their Link header.
 *
 * - Auth: anonymous first; on a 401, Basic or the Bearer token flow the challenge asks
 *   for, with the docker CLI's credentials when it has some (never logged or shown).
 * - Transport: HTTPS with the system's CAs and any given (a CA adds to them, never
 *   replaces them); plain HTTP only for loopback
 *   and `localhost` (when they do not speak TLS) and the registries said to be insecure,
 *   whose certificates are not checked either (Docker's meaning of an insecure registry).
 * - Redirects (blob storage) are followed; Authorization is not sent to another host.
 * - 429 and 5xx are one sentence with the registry's Retry-After; nothing is retried busily.
 */
import { createHash } from 'crypto';
import * as l10n from '@vscode/l10n';
import * as http from 'http';
import * as https from 'https';
import { PassThrough, type Readable } from 'stream';
import * as tls from 'tls';
import { type Challenge, type RegistryCredentials, TokenStore, basicHeader, parseChallenge } from './registryAuth';
import { RegistryError, type RegistryProblem } from './registryError';

export const MANIFEST_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const ACCEPT = [...Object.values(MANIFEST_TYPES), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'application/json'].join(', ');

/** Manifests and configs are small; a document larger than this is not one. */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export interface RegistryClientOptions {
  /** Hosts reached over plain HTTP (and without certificate checks) besides loopback ones. */
  insecure?: readonly string[];
  /** CA certificates (PEM) to trust besides the system's. */
  ca?: readonly (string | Buffer)[];
  /** The credentials for a registry (the docker CLI's, by default none). */
  credentials?: (registry: string) => Promise<RegistryCredentials | undefined>;
  /** Sees every request made ("GET https://host/v2/…"): tests and the bench count what was asked. */
  onRequest?: (method: string, url: string) => void;
}

export interface Manifest {
  /** sha256 of its bytes, as the registry names it. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
  json: Record<string, unknown>;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** The scheme each host was found to speak, for every client of the process (each new one would otherwise try TLS first again). */
const spoken = new Map<string, 'https' | 'http'>();

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)(:\d+)?$/i;

/** The host to talk to for a registry name (Docker Hub's API lives elsewhere than its name). */
export function apiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

function readAll(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        body.destroy(new Error(`more than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    body.on('end', () => resolve(Buffer.concat(chunks)));
    body.on('error', reject);
  });
}

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

export class RegistryClient {
  readonly host: string;
  private readonly tokens = new TokenStore();
  /** The Authorization that worked last, by repository scope (most requests need no 401 first). */
  private readonly authorized = new Map<string, string>();
  private readonly withCredentials = new Map<string, boolean>();
  private readonly insecure: boolean;
  private readonly loopback: boolean;

  constructor(
    /** The registry as references name it (`docker.io`, `127.0.0.1:5000`, `ghcr.io`). */
    readonly registry: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.host = apiHost(registry);
    this.insecure = (options.insecure ?? []).some((h) => h.toLowerCase() === registry.toLowerCase());
    this.loopback = LOOPBACK.test(registry);
  }

  private fail(problem: RegistryProblem): never {
    throw new RegistryError(problem);
  }

  /** The manifest `reference` (a tag or a digest) names; a digest is checked against the bytes. */
  async manifest(repository: string, reference: string, signal?: AbortSignal): Promise<Manifest> {
    const answer = await this.get(repository, `/v2/${repository}/manifests/${reference}`, { accept: ACCEPT, signal }, `${repository}:${reference}`);
    const bytes = await readAll(answer.body, MAX_DOCUMENT_BYTES);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest) {
      this.fail({ code: 'digestMismatch', registry: this.registry, digest: reference, actual: digest });
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.fail({ code: 'unexpected', registry: this.registry, status: answer.status, detail: `the manifest of ${repository}:${reference} is not JSON` });
    }
    const mediaType = String(json.mediaType ?? (answer.headers['content-type'] ?? '').split(';')[0]);
    return { digest, mediaType, bytes, json };
  }

  /** A small blob (an image config) whole, checked against its digest. */
  async document(repository: string, digest: string, signal?: AbortSignal): Promise<Buffer> {
    const bytes = await readAll(await this.blob(repository, digest, { signal }), MAX_DOCUMENT_BYTES);
    return bytes;
  }

  /**
   * A blob as it streams, checked against its digest: the stream fails with the sentence
   * when the bytes are not the digest's, and a download that breaks off resumes once
   * where it stopped. `onBytes` hears the bytes received.
   */
  async blob(repository: string, digest: string, options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {}): Promise<Readable> {
    const out = new PassThrough();
    const hash = createHash('sha256');
    let received = 0;
    let resumed = false;
    const path = `/v2/${repository}/blobs/${digest}`;
    const finish = () => {
      const actual = `sha256:${hash.digest('hex')}`;
      if (digest.startsWith('sha256:') && actual !== digest) {
        out.destroy(new RegistryError({ code: 'digestMismatch', registry: this.registry, digest, actual }));
      } else {
        out.end();
      }
    };
    const follow = (answer: Answer, expected: number | undefined) => {
      let broken = false;
      const breakOff = (why: string) => {
        if (broken || out.destroyed) {
          return;
        }
        broken = true;
        answer.body.destroy();
        if (resumed || options.signal?.aborted) {
          out.destroy(options.signal?.aborted ? options.signal.reason : new RegistryError({ code: 'interrupted', registry: this.registry, digest, detail: why }));
          return;
        }
        resumed = true;
        // Once: from where it stopped, the hash carried on.
        this.get(repository, path, { range: received, signal: options.signal }, digest).then(
          (again) => {
            if (again.status !== 206) {
              again.body.destroy();
              out.destroy(new RegistryError({ code: 'interrupted', registry: this.registry, digest, detail: `${why}; the registry cannot resume a download` }));
              return;
            }
            follow(again, expected);
          },
          (err: unknown) => out.destroy(err as Error),
        );
      };
      answer.body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        options.onBytes?.(received);
        if (!out.write(chunk)) {
          answer.body.pause();
          out.once('drain', () => answer.body.resume());
        }
      });
      answer.body.on('aborted', () => breakOff('the connection closed'));
      answer.body.on('error', (err: Error) => breakOff(err.message));
      answer.body.on('end', () => {
        if (broken) {
          return;
        }
        if (expected !== undefined && received < expected) {
          breakOff(`${received} of ${expected} bytes came`);
        } else {
          finish();
        }
      });
    };
    const first = await this.get(repository, path, { signal: options.signal }, digest);
    const length = Number(first.headers['content-length']);
    follow(first, Number.isFinite(length) && length > 0 ? length : undefined);
    out.on('close', () => !out.writableFinished && first.body.destroy());
    return out;
  }

  /**
   * One page of a repository's tags (`pageSize` asked for; the next page's link has its own);
   * `next` is the Link header's next page, when there is one. Registries before
   * distribution 3.0 ignore the size and answer every tag at once, without a Link.
   */
  async tags(repository: string, page?: string, pageSize = 100): Promise<{ tags: string[]; next?: string }> {
    const answer = await this.get(repository, page ?? `/v2/${repository}/tags/list?n=${pageSize}`, {}, repository);
    const body = JSON.parse((await readAll(answer.body, MAX_DOCUMENT_BYTES)).toString('utf8')) as { tags?: string[] | null };
    return { tags: body.tags ?? [], next: nextPage(answer.headers.link) };
  }

  /** One page of the registry's repositories (`/v2/_catalog`, where the registry allows it), `pageSize` asked for. */
  async catalog(page?: string, pageSize = 100): Promise<{ repositories: string[]; next?: string }> {
    const answer = await this.get(undefined, page ?? `/v2/_catalog?n=${pageSize}`, {}, l10n.t('the list of its repositories'));
    const body = JSON.parse((await readAll(answer.body, MAX_DOCUMENT_BYTES)).toString('utf8')) as { repositories?: string[] | null };
    return { repositories: body.repositories ?? [], next: nextPage(answer.headers.link) };
  }

  // --- HTTP --------------------------------------------------------------------------

  /**
   * A GET for a repository (its scope asks for pull), with auth as the registry asks, and
   * redirects followed; an answer other than 200/206 is one sentence naming `what`.
   */
  private async get(repository: string | undefined, path: string, options: { accept?: string; range?: number; signal?: AbortSignal }, what: string): Promise<Answer> {
    const scope = repository ? `repository:${repository}:pull` : 'registry:catalog:*';
    let authorization = this.authorized.get(scope);
    // Whether the user's credentials went into it: a refusal then says they are wrong, else that a login is needed.
    let withCredentials = this.withCredentials.get(scope) ?? false;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.send(path, { ...options, authorization });
      if (answer.status === 401 && attempt < 2) {
        answer.body.resume();
        const challenge = parseChallenge(answer.headers['www-authenticate']);
        const renewed = challenge ? await this.authorize(challenge, scope, what, attempt > 0) : undefined;
        if (!renewed || renewed.header === authorization) {
          this.unauthorized(what, renewed?.withCredentials ?? withCredentials);
        }
        authorization = renewed.header;
        withCredentials = renewed.withCredentials;
        continue;
      }
      if (answer.status === 200 || answer.status === 206) {
        if (authorization) {
          this.authorized.set(scope, authorization);
          this.withCredentials.set(scope, withCredentials);
        }
        return answer;
      }
      const detail = (await readAll(answer.body, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8').trim().slice(0, 300);
      this.answerFailed(answer, what, detail, withCredentials);
    }
  }

  private unauthorized(what: string, sentCredentials: boolean): never {
    this.fail({ code: sentCredentials ? 'badCredentials' : 'needsLogin', registry: this.registry, reference: what });
  }

  private answerFailed(answer: Answer, what: string, detail: string, sentCredentials: boolean): never {
    const retryAfter = answer.headers['retry-after'];
    switch (true) {
      case answer.status === 401:
        this.unauthorized(what, sentCredentials);
        break;
      case answer.status === 403:
        this.fail({ code: 'denied', registry: this.registry, reference: what });
        break;
      case answer.status === 404:
        this.fail({ code: 'notFound', registry: this.registry, reference: what });
        break;
      case answer.status === 429:
        this.fail({ code: 'busy', registry: this.registry, retryAfter });
        break;
      case answer.status >= 500:
        this.fail({ code: 'serverError', registry: this.registry, status: answer.status, retryAfter });
        break;
      case answer.status === 400 && /HTTP request to an HTTPS server/i.test(detail):
        this.fail({ code: 'notHttps', registry: this.registry });
        break;
    }
    this.fail({ code: 'unexpected', registry: this.registry, status: answer.status, detail });
  }

  /** The Authorization the challenge asks for: the credentials (Basic), or a token for the scope from its realm (Bearer). */
  private async authorize(challenge: Challenge, scope: string, what: string, renew: boolean): Promise<{ header: string; withCredentials: boolean } | undefined> {
    const credentials = await this.options.credentials?.(this.registry);
    const withCredentials = credentials !== undefined;
    if (challenge.scheme === 'basic') {
      const header = credentials ? basicHeader(credentials) : undefined;
      return header ? { header, withCredentials } : undefined;
    }
    if (!challenge.realm) {
      return undefined;
    }
    const wanted = challenge.scope ?? scope;
    const key = TokenStore.key(challenge, wanted);
    if (renew) {
      this.tokens.forget(key);
    }
    const kept = this.tokens.get(key);
    if (kept) {
      return { header: `Bearer ${kept}`, withCredentials };
    }
    const realm = new URL(challenge.realm);
    if (challenge.service) {
      realm.searchParams.set('service', challenge.service);
    }
    realm.searchParams.set('scope', wanted);
    // With a user and password the token carries their access; without, anonymous access.
    const answer = await this.request(realm, { authorization: credentials ? basicHeader(credentials) : undefined });
    const text = (await readAll(answer.body, MAX_DOCUMENT_BYTES)).toString('utf8');
    if (answer.status === 401 || answer.status === 403) {
      this.unauthorized(what, withCredentials);
    }
    if (answer.status !== 200) {
      this.answerFailed(answer, what, text, withCredentials);
    }
    const body = JSON.parse(text) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) {
      return undefined;
    }
    this.tokens.set(key, token, body.expires_in);
    return { header: `Bearer ${token}`, withCredentials };
  }

  /** One request to the registry's host, on the scheme it speaks (found out on the first). */
  private async send(path: string, options: { accept?: string; range?: number; signal?: AbortSignal; authorization?: string }): Promise<Answer> {
    const plainAllowed = this.loopback || this.insecure;
    const known = spoken.get(this.host);
    const schemes: Array<'https' | 'http'> = known ? [known] : plainAllowed ? ['https', 'http'] : ['https'];
    for (const scheme of schemes) {
      try {
        const answer = await this.request(new URL(`${scheme}://${this.host}${path}`), options);
        spoken.set(this.host, scheme);
        return answer;
      } catch (err) {
        // A server that does not speak TLS: plain HTTP where that is allowed.
        if (scheme === 'https' && notTls(err) && schemes.includes('http')) {
          continue;
        }
        if (notTls(err)) {
          this.fail({ code: 'plainHttp', registry: this.registry });
        }
        throw err;
      }
    }
    throw new Error('unreachable');
  }

  /** A GET of a URL, redirects followed (Authorization kept only on the same host). */
  private request(url: URL, options: { accept?: string; range?: number; signal?: AbortSignal; authorization?: string }, redirects = 0): Promise<Answer> {
    const headers: http.OutgoingHttpHeaders = { 'User-Agent': 'strata' };
    if (options.accept) {
      headers.Accept = options.accept;
    }
    if (options.range) {
      headers.Range = `bytes=${options.range}-`;
    }
    if (options.authorization) {
      headers.Authorization = options.authorization;
    }
    this.options.onRequest?.('GET', url.toString());
    const secure = url.protocol === 'https:';
    const tlsOptions: https.RequestOptions = secure
      ? { ...(this.options.ca?.length ? { ca: [...tls.rootCertificates, ...this.options.ca] } : {}), rejectUnauthorized: !this.insecure }
      : {};
    return new Promise<Answer>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method: 'GET', headers, signal: options.signal, ...tlsOptions, timeout: 30_000 }, (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(status) && location && redirects < 5) {
          res.resume();
          const next = new URL(location, url);
          // Blob storage elsewhere: the registry's Authorization is not theirs to see.
          const authorization = next.host === url.host ? options.authorization : undefined;
          this.request(next, { ...options, authorization }, redirects + 1).then(resolve, reject);
          return;
        }
        resolve({ status, headers: res.headers, body: res });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 30 s'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => reject(options.signal?.aborted ? err : this.describeFailure(err)));
      req.end();
    });
  }

  private describeFailure(err: NodeJS.ErrnoException): Error {
    const code = err.code ?? '';
    if (notTls(err)) {
      return err; // send() decides: plain HTTP, or the sentence
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new RegistryError({ code: 'unknownHost', registry: this.registry });
    }
    if (CERTIFICATE_CODES.has(code)) {
      return new RegistryError({ code: 'unknownCertificate', registry: this.registry, detail: code });
    }
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(code)) {
      return new RegistryError({ code: 'unreachable', registry: this.registry, detail: code });
    }
    return new RegistryError({ code: 'unreachable', registry: this.registry, detail: err.message });
  }
}

/** Whether a TLS connection failed because the server does not speak TLS (plain HTTP there). */
function notTls(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'EPROTO' && /wrong version number|packet length too long|unknown protocol|http request/i.test(e.message ?? '');
}

/** `Link: </v2/…?last=x&n=100>; rel="next"` → the next page's path. */
function nextPage(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(', ') : link;
  return /<([^>]+)>\s*;\s*rel="?next"?/.exec(text ?? '')?.[1];
}
