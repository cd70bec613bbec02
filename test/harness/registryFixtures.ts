/**
 * Fixtures for the tests of reading images straight from registries (no engine): images
 * pushed to the harness's registries (registry/README.md: 5000 htpasswd, 5001 open, 5002 TLS
 * with token auth), a multi-platform index with attestation manifests pushed by Docker 28's
 * BuildKit, a blob's file on the registry's disk to corrupt, a proxy that makes faults, and
 * the oracles: a few lines of HTTP that speak the registry protocol (challenge, token,
 * request) and skopeo, which downloads without an engine. Fixtures are built on real engines
 * and pushed by them; nothing here is the client under test.
 */
import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { type BuildOptions, TEST_LABEL, buildFixtureImage } from './fixtureImages';
import { RegistryProxy } from './registryProxy';
import { CACHE, type TestRegistries, testEngine, testRegistries } from './testEngines';

export type RegistryName = keyof TestRegistries;
/** `anonymous` sends no credentials. */
export type RegistryUser = 'strata' | 'reader' | 'anonymous';

/** Every manifest type a registry may answer with, for Accept. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export function registryAddress(registry: RegistryName): string {
  return testRegistries()[registry].address;
}

function addressOf(registry: RegistryName | string): string {
  return registry === 'auth' || registry === 'open' || registry === 'token' ? registryAddress(registry) : registry;
}

/** `HOST:PORT/REPO:TAG`, or `@sha256:…` for a digest: the reference an engine or skopeo (after `docker://`) takes. */
export function imageReference(registry: RegistryName | string, repo: string, tagOrDigest: string): string {
  return `${addressOf(registry)}/${repo}${tagOrDigest.startsWith('sha256:') ? '@' : ':'}${tagOrDigest}`;
}

/** `registry://HOST:PORT/REPO:TAG` (or `@sha256:…`): an image read straight from a registry. `registry` may be a name or a proxy's address. */
export function registryUrl(registry: RegistryName | string, repo: string, tagOrDigest: string): string {
  return `registry://${imageReference(registry, repo, tagOrDigest)}`;
}

/** The user's name and password on that registry; undefined for anonymous and on the open registry. */
export function registryCredentials(registry: RegistryName, user: RegistryUser = 'strata'): { username: string; password: string } | undefined {
  const regs = testRegistries();
  if (user === 'anonymous' || registry === 'open') {
    return undefined;
  }
  if (registry === 'auth') {
    if (user !== 'strata') {
      throw new Error(`the htpasswd registry has only the user strata, not ${user}`);
    }
    return { username: regs.auth.username, password: regs.auth.password };
  }
  return user === 'reader'
    ? { username: regs.token.readerUsername, password: regs.token.readerPassword }
    : { username: regs.token.username, password: regs.token.password };
}

/** The engine API's `authconfig` (dockerode) for that user, or undefined. */
export function engineAuth(registry: RegistryName, user: RegistryUser = 'strata'): Docker.AuthConfig | undefined {
  const creds = registryCredentials(registry, user);
  return creds && { ...creds, serveraddress: registryAddress(registry) };
}

/** The token registry's CA file; undefined for the HTTP ones. */
export function registryCa(registry: RegistryName): string | undefined {
  return registry === 'token' ? testRegistries().token.caFile : undefined;
}

/** `https://127.0.0.1:5002` for the token registry, `http://…` for the others; `via`: another address (a proxy) for it. */
export function registryBaseUrl(registry: RegistryName, via?: string): string {
  return `${registry === 'token' ? 'https' : 'http'}://${via ?? registryAddress(registry)}`;
}

// ---------------------------------------------------------------------------------------
// The protocol by hand: the oracle for what a registry answers.

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** A CA file for https (the token registry's); without it, Node's own trust store. */
  ca?: string;
  /** The TLS server name to check the certificate against (e.g. 'localhost'). */
  servername?: string;
}

/** One request, the whole body read; rejects as Node does (a TLS refusal, a connection dropped mid-body: 'aborted'). */
export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const request = (u.protocol === 'https:' ? https : http).request(
      u,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        ...(options.ca ? { ca: fs.readFileSync(options.ca) } : {}),
        ...(options.servername ? { servername: options.servername } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        // Cut mid-body: the status and what came are kept on the error.
        const cut = () =>
          reject(Object.assign(new Error(`the answer to ${url} was cut after ${Buffer.concat(chunks).length} bytes`), { code: 'CUT', status: res.statusCode, headers: res.headers, received: Buffer.concat(chunks) }));
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', cut);
        res.on('close', () => res.complete || cut());
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

export function sha256(data: Buffer | string): string {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

/** `Bearer realm="…",service="…",scope="…"` → its scheme and parameters. */
export function parseChallenge(header: string | string[] | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  const m = text ? /^(\w+)\s*(.*)$/.exec(text) : null;
  if (!m) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) {
    params[p[1]] = p[2];
  }
  return { scheme: m[1], params };
}

export interface TokenOptions {
  user?: RegistryUser;
  /** Overrides the user's password (a wrong one). */
  password?: string;
  /** The issuer's knob: this token lives N seconds. */
  ttl?: number;
  service?: string;
}

/** Asks the token registry's issuer for a token, as a client does after a challenge; the raw answer. */
export function requestToken(scopes: string[], options: TokenOptions = {}): Promise<HttpAnswer> {
  const token = testRegistries().token;
  const url = new URL(token.realm);
  url.searchParams.set('service', options.service ?? token.service);
  for (const s of scopes) {
    url.searchParams.append('scope', s);
  }
  if (options.ttl !== undefined) {
    url.searchParams.set('ttl', String(options.ttl));
  }
  const creds = registryCredentials('token', options.user ?? 'strata');
  const headers: Record<string, string> = {};
  if (creds) {
    headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${options.password ?? creds.password}`).toString('base64')}`;
  }
  return httpRequest(url.toString(), { headers, ca: token.caFile });
}

/** A token for those scopes (`repository:NAME:pull,push`), or an error with the issuer's answer. */
export async function fetchToken(scopes: string[], options: TokenOptions = {}): Promise<string> {
  const answer = await requestToken(scopes, options);
  if (answer.status !== 200) {
    throw new Error(`the token issuer answered ${answer.status}: ${answer.body.toString()}`);
  }
  return (JSON.parse(answer.body.toString()) as { token: string }).token;
}

export function decodeJwt(token: string): { header: { alg: string; x5c?: string[] }; claims: Record<string, unknown> } {
  const [header, claims] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as unknown);
  return { header: header as { alg: string; x5c?: string[] }, claims: claims as Record<string, unknown> };
}

export interface RegistryRequestOptions extends HttpOptions {
  /** Whose credentials (default strata; `anonymous` sends none). */
  user?: RegistryUser;
  /** A Bearer token to send as is, with no new one fetched on 401. */
  token?: string;
  /** Another address for the same registry (a proxy in front of it). */
  via?: string;
}

/**
 * A request to a registry the way a client makes it: Basic credentials on 5000; on 5002 a
 * first try, and on a Bearer challenge a token for the scope it names, then once more.
 */
export async function registryRequest(registry: RegistryName, pathname: string, options: RegistryRequestOptions = {}): Promise<HttpAnswer> {
  const url = `${registryBaseUrl(registry, options.via)}${pathname}`;
  const creds = registryCredentials(registry, options.user ?? 'strata');
  const headers = { ...options.headers };
  if (registry === 'auth' && creds) {
    headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  }
  if (options.token) {
    headers.Authorization = `Bearer ${options.token}`;
  }
  const first = await httpRequest(url, { ...options, headers, ca: options.ca ?? registryCa(registry) });
  const challenge = parseChallenge(first.headers['www-authenticate']);
  if (first.status !== 401 || registry !== 'token' || options.token || challenge?.scheme !== 'Bearer') {
    return first;
  }
  const scopes = challenge.params.scope ? [challenge.params.scope] : [];
  const token = await fetchToken(scopes, { user: options.user ?? 'strata', service: challenge.params.service });
  return httpRequest(url, { ...options, headers: { ...headers, Authorization: `Bearer ${token}` }, ca: options.ca ?? registryCa(registry) });
}

/** A manifest or index by tag or digest, its digest computed from the bytes served. */
export async function getManifest<T = ImageManifest | ImageIndex>(
  registry: RegistryName,
  repo: string,
  tagOrDigest: string,
  user: RegistryUser = 'strata',
): Promise<{ digest: string; mediaType: string; json: T; body: Buffer }> {
  const answer = await registryRequest(registry, `/v2/${repo}/manifests/${tagOrDigest}`, { user, headers: { Accept: MANIFEST_TYPES.join(', ') } });
  if (answer.status !== 200) {
    throw new Error(`GET ${imageReference(registry, repo, tagOrDigest)}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
  }
  return { digest: sha256(answer.body), mediaType: String(answer.headers['content-type']), json: JSON.parse(answer.body.toString()) as T, body: answer.body };
}

export async function getBlob(registry: RegistryName, repo: string, digest: string, user: RegistryUser = 'strata'): Promise<Buffer> {
  const answer = await registryRequest(registry, `/v2/${repo}/blobs/${digest}`, { user });
  if (answer.status !== 200) {
    throw new Error(`GET blob ${digest} of ${imageReference(registry, repo, 'x')}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
  }
  return answer.body;
}

// ---------------------------------------------------------------------------------------
// Pushed fixtures.

export interface PushedImage {
  registry: RegistryName;
  repo: string;
  tag: string;
  /** `HOST:PORT/REPO:TAG`. */
  reference: string;
  /** `registry://HOST:PORT/REPO:TAG`. */
  url: string;
  /** The manifest's digest, as the push reported it and the registry serves it. */
  digest: string;
  mediaType: string;
  manifest: ImageManifest;
  /** The last layer: `payloadBytes` of random bytes only this image has (safe to corrupt, large enough to cut). */
  payloadLayer: Descriptor;
}

export interface PushOptions extends BuildOptions {
  /** Size of the random payload layer (default 100 kB; random bytes do not compress). */
  payloadBytes?: number;
  /** Who pushes (default strata): `reader` is refused on 5002. */
  user?: RegistryUser;
  /** Keep the image on the host's engine after the push (removed by default; removeFixtureImages finds it by its label either way). */
  keepLocal?: boolean;
}

/**
 * Builds a busybox image with a random payload on the host's engine (Engine 20.10: Docker
 * schema 2 manifests, gzip layers) and pushes it through the engine API with the user's
 * credentials to `registry` as `repo:tag`.
 */
export async function pushFixtureImage(registry: RegistryName, repo: string, tag: string, options: PushOptions = {}): Promise<PushedImage> {
  const docker = new Docker({ socketPath: testEngine('host').fixtureSocket });
  const reference = imageReference(registry, repo, tag);
  await buildFixtureImage(docker, reference, { ...options, steps: [...(options.steps ?? []), `RUN head -c ${options.payloadBytes ?? 100_000} /dev/urandom > /payload.bin`] });
  try {
    const stream = await docker.getImage(`${registryAddress(registry)}/${repo}`).push({ tag, authconfig: engineAuth(registry, options.user) });
    const events = await new Promise<Array<{ error?: string; aux?: { Digest?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res))),
    );
    const failure = events.find((e) => e.error);
    if (failure) {
      throw new Error(`pushing ${reference} failed: ${failure.error}`);
    }
    const pushed = events.find((e) => e.aux?.Digest)?.aux?.Digest;
    const served = await getManifest<ImageManifest>(registry, repo, tag);
    if (served.digest !== pushed) {
      throw new Error(`the engine pushed ${reference} as ${pushed}, the registry serves ${served.digest}`);
    }
    return {
      registry,
      repo,
      tag,
      reference,
      url: registryUrl(registry, repo, tag),
      digest: served.digest,
      mediaType: served.mediaType,
      manifest: served.json,
      payloadLayer: served.json.layers[served.json.layers.length - 1],
    };
  } finally {
    if (!options.keepLocal) {
      await docker.getImage(reference).remove().catch(() => undefined);
    }
  }
}

export interface PushedIndex {
  registry: RegistryName;
  repo: string;
  tag: string;
  reference: string;
  url: string;
  /** The index's digest. */
  digest: string;
  index: ImageIndex;
  /** Platform ("linux/arm64") → its image manifest's digest. */
  manifests: Record<string, string>;
  /** Platform → the digest of the attestation manifest (provenance) that refers to that platform's manifest. */
  attestations: Record<string, string>;
}

/** An environment for the docker CLI that reaches only what it is told (-H, DOCKER_CONFIG). */
function cliEnv(dockerConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: dockerConfig };
  for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'BUILDX_BUILDER']) {
    delete env[name];
  }
  return env;
}

/**
 * A multi-platform image index with provenance attestations, built by Docker 28's BuildKit
 * (the containerd store engine, its buildx) from a Dockerfile FROM scratch with only COPY
 * steps (each platform's own file, so no emulation runs), pushed to `registry` (default the
 * open one; the token registry's realm is refused by that engine: registry/README.md).
 * The docker CLI gets a private DOCKER_CONFIG holding buildx and the push's credentials.
 */
export async function pushMultiPlatformIndex(
  repo: string,
  tag: string,
  options: { registry?: RegistryName; platforms?: string[]; engine?: string } = {},
): Promise<PushedIndex> {
  const registry = options.registry ?? 'open';
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
  const engine = testEngine(options.engine ?? 'docker28-containerd');
  if (!engine.dockerConfig) {
    throw new Error(`the engine ${engine.name} has no buildx (no dockerConfig in engines.json)`);
  }
  const reference = imageReference(registry, repo, tag);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-multi-'));
  try {
    const config = path.join(work, 'docker-config');
    fs.mkdirSync(path.join(config, 'cli-plugins'), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(engine.dockerConfig, 'cli-plugins', 'docker-buildx')), path.join(config, 'cli-plugins', 'docker-buildx'));
    const creds = registryCredentials(registry);
    const auths = creds ? { [registryAddress(registry)]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') } } : {};
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths }));
    const context = path.join(work, 'context');
    fs.mkdirSync(context);
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      ['FROM scratch', 'ARG TARGETARCH', 'COPY common.txt /common.txt', 'COPY arch-${TARGETARCH}.txt /arch.txt', `LABEL ${TEST_LABEL}="${process.pid}"`, ''].join('\n'),
    );
    fs.writeFileSync(path.join(context, 'common.txt'), `${reference} ${Date.now()} ${Math.random()}\n`);
    for (const p of platforms) {
      fs.writeFileSync(path.join(context, `arch-${p.split('/')[1]}.txt`), `${p}\n`);
    }
    const metadata = path.join(work, 'metadata.json');
    const host = `unix://${engine.fixtureSocket}`;
    const args = ['-H', host, 'buildx', 'build', '--platform', platforms.join(','), '--provenance=true', '--push', '--metadata-file', metadata, '-t', reference, context];
    await new Promise<void>((resolve, reject) =>
      execFile('docker', args, { env: cliEnv(config), maxBuffer: 16 * 1024 * 1024 }, (err, _out, stderr) =>
        err ? reject(new Error(`buildx could not push ${reference}: ${stderr.trim().split('\n').slice(-5).join('\n')}`)) : resolve(),
      ),
    );
    const digest = (JSON.parse(fs.readFileSync(metadata, 'utf8')) as { 'containerimage.digest': string })['containerimage.digest'];
    const served = await getManifest<ImageIndex>(registry, repo, digest);
    const manifests: Record<string, string> = {};
    const attestations: Record<string, string> = {};
    for (const m of served.json.manifests) {
      if (m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') {
        continue;
      }
      manifests[`${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`] = m.digest;
    }
    for (const m of served.json.manifests) {
      const subject = m.annotations?.['vnd.docker.reference.digest'];
      const platform = Object.keys(manifests).find((p) => manifests[p] === subject);
      if (platform) {
        attestations[platform] = m.digest;
      }
    }
    await new Docker({ socketPath: engine.fixtureSocket }).getImage(reference).remove().catch(() => undefined);
    return { registry, repo, tag, reference, url: registryUrl(registry, repo, tag), digest, index: served.json, manifests, attestations };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The registry's disk.

/** Where the registry keeps a blob: `<storage>/docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data`. */
export function blobPath(registry: RegistryName, digest: string): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  if (!hex) {
    throw new Error(`not a sha256 digest: ${digest}`);
  }
  return path.join(CACHE, 'registry', registry, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

export interface CorruptedBlob {
  path: string;
  /** Puts the original bytes back. */
  restore(): void;
}

/**
 * Damages a blob in the registry's storage; the registry serves it as it is (same digest
 * header). `flip`: one byte in the middle changed, same size; `truncate`: the second half
 * gone. Only for blobs no other image shares (a pushed fixture's payloadLayer or config):
 * every image in that registry with the blob would read it damaged.
 */
export function corruptBlob(registry: RegistryName, digest: string, how: 'flip' | 'truncate' = 'flip'): CorruptedBlob {
  const file = blobPath(registry, digest);
  const original = fs.readFileSync(file);
  const damaged = how === 'flip' ? Buffer.from(original) : original.subarray(0, Math.floor(original.length / 2));
  if (how === 'flip') {
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
  }
  fs.writeFileSync(file, damaged);
  return { path: file, restore: () => fs.writeFileSync(file, original) };
}

// ---------------------------------------------------------------------------------------
// The proxy and skopeo.

/** A RegistryProxy in front of one of the registries (TLS with the registry's own certificate for the token one), started. */
export async function startRegistryProxy(registry: RegistryName): Promise<RegistryProxy> {
  const [host, port] = registryAddress(registry).split(':');
  const tls = path.join(CACHE, 'registry', 'token', 'tls');
  const proxy =
    registry === 'token'
      ? new RegistryProxy({ host, port: Number(port), ca: registryCa(registry) }, { cert: path.join(tls, 'server.crt'), key: path.join(tls, 'server.key') })
      : new RegistryProxy({ host, port: Number(port) });
  await proxy.start();
  return proxy;
}

/**
 * `skopeo copy docker://REF dir:OUT`: what a registry serves, downloaded without an engine,
 * digests checked by skopeo (OUT holds manifest.json and one file per blob, named by hex).
 * The right TLS flags for each registry; `certDir: false` leaves the CA out (to see the refusal);
 * `via`: another address for the registry (a proxy in front of it).
 */
export function skopeoCopy(
  registry: RegistryName,
  repo: string,
  tagOrDigest: string,
  out: string,
  options: { user?: RegistryUser; certDir?: false; extra?: string[]; via?: string } = {},
): Promise<string> {
  const source = imageReference(options.via ?? registry, repo, tagOrDigest);
  const args = ['copy', `docker://${source}`, `dir:${out}`];
  if (registry === 'token') {
    if (options.certDir !== false) {
      args.push('--src-cert-dir', testRegistries().token.certDir);
    }
  } else {
    args.push('--src-tls-verify=false');
  }
  const creds = registryCredentials(registry, options.user ?? 'strata');
  // --src-no-creds: not even a docker config's, so anonymous is anonymous.
  args.push(...(creds ? ['--src-creds', `${creds.username}:${creds.password}`] : ['--src-no-creds']), ...(options.extra ?? []));
  return new Promise((resolve, reject) =>
    execFile('skopeo', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`skopeo copy ${source}: ${stderr.trim()}`)) : resolve(stdout),
    ),
  );
}
