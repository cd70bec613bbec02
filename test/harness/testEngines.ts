/**
 * The real engines the harness started (test/harness/engines/start-engines.sh writes
 * engines.json): the host's, a second one over TLS and over ssh, Podman (by its socket
 * and over ssh), and current Docker in a chroot. The engine suites run once per engine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import type { ClientOptions } from '../../src/engine/api/engineClient';
import { parseEngineUrl } from '../../src/engine/connect/endpoint';

export interface TestEngine {
  name: string;
  title: string;
  kind: 'docker' | 'podman';
  /** The address a user would write in DOCKER_HOST. */
  dockerHost: string;
  /** A local socket of the same engine, for building fixtures with plain dockerode. */
  fixtureSocket: string;
  /** GET /info .ID read through fixtureSocket: proves which engine answered. */
  expectedId: string;
  version: string;
  apiVersion: string;
  storageDriver?: string;
  containerdSnapshotter?: boolean;
  /** `remoteHost`: the engine's other address, which VS Code's proxy support treats as remote (not localhost). */
  tls?: { caFile: string; certFile: string; keyFile: string; certDir: string; wrongCaFile: string; port: number; remoteHost: string };
  /** ssh ones: the folder of an `ssh` wrapper with the test's own config and keys. */
  sshPathDir?: string;
  sshConfig?: string;
  sshKnownHosts?: string;
  sshIdentity?: string;
  /** A Host alias of sshConfig that reaches the test sshd (`ssh://ALIAS`). */
  sshAlias?: string;
  /** The chroot ones: a DOCKER_CONFIG whose cli-plugins has buildx. */
  dockerConfig?: string;
  env?: Record<string, string>;
}

export const CACHE = process.env.STRATA_CACHE ?? path.join(os.homedir(), '.cache', 'strata');
export const ENGINES_FILE = process.env.STRATA_ENGINES ?? path.join(CACHE, 'engines', 'engines.json');

let cached: TestEngine[] | undefined;

/** Every engine the harness runs; the host's at least (its absence is an error, never a skip). */
export function testEngines(): TestEngine[] {
  if (!cached) {
    if (!fs.existsSync(ENGINES_FILE)) {
      throw new Error(`${ENGINES_FILE} does not exist: run bash test/harness/engines/start-engines.sh (npm test does).`);
    }
    const all = JSON.parse(fs.readFileSync(ENGINES_FILE, 'utf8')) as TestEngine[];
    // STRATA_TEST_ENGINES=host,podman narrows a run while working on one engine.
    const only = process.env.STRATA_TEST_ENGINES?.split(',').map((s) => s.trim());
    cached = only ? all.filter((e) => only.includes(e.name)) : all;
  }
  return cached;
}

export function testEngine(name: string): TestEngine {
  const found = JSON.parse(fs.readFileSync(ENGINES_FILE, 'utf8')) as TestEngine[];
  const engine = found.find((e) => e.name === name);
  if (!engine) {
    throw new Error(`the harness runs no engine "${name}" (${ENGINES_FILE} lists ${found.map((e) => e.name).join(', ')})`);
  }
  return engine;
}

/** Podman qualifies a short name (docker.io/ through its compat API, localhost/ from its CLI): the same image, as Podman lists it. */
export function named(t: Pick<TestEngine, 'kind'>, reference: string): string[] {
  return t.kind === 'podman' ? [reference, `localhost/${reference}`, `docker.io/${reference}`] : [reference];
}

/** The client options a user's machine would give: its ssh (here: the harness's wrapper). */
export function clientOptions(t: TestEngine): ClientOptions {
  return t.sshPathDir ? { ssh: { command: path.join(t.sshPathDir, 'ssh') } } : {};
}

/** Strata's engine for a test engine, reached the way a user's DOCKER_HOST would. */
export function strataEngine(t: TestEngine, url = t.dockerHost): DockerEngine {
  const tls = t.tls && url.startsWith('tcp:') ? { verify: true, ca: t.tls.caFile, cert: t.tls.certFile, key: t.tls.keyFile } : undefined;
  return new DockerEngine({ name: t.name, endpoint: parseEngineUrl(url, tls) }, clientOptions(t));
}

/** Plain dockerode on the engine's own local socket, for fixtures (not what is tested). */
export function fixtureClient(t: TestEngine): Docker {
  return new Docker({ socketPath: t.fixtureSocket });
}

/** The host's engine, where the single-engine suites run. */
export function hostEngine(): DockerEngine {
  return DockerEngine.fromUrl('unix:///var/run/docker.sock', { name: 'host' });
}

export interface TestRegistries {
  /** htpasswd basic auth. */
  auth: { address: string; username: string; password: string };
  open: { address: string };
  /** TLS (a harness CA) and Bearer tokens from the harness's token issuer, as Docker Hub and GHCR (registry/README.md). */
  token: TokenRegistry;
}

export interface TokenRegistry {
  address: string;
  /** Every action on every repository. */
  username: string;
  password: string;
  /** Pull only. */
  readerUsername: string;
  readerPassword: string;
  /** The CA that signed the registry's and the issuer's certificates, alone in `certDir` (skopeo's --cert-dir, docker's certs.d). */
  caFile: string;
  certDir: string;
  /** The token endpoint the registry's challenge names, and the service and issuer the tokens carry. */
  realm: string;
  service: string;
  issuer: string;
  /** Repositories anyone may pull without credentials. */
  publicPrefix: string;
  /** Pull-only tokens for repositories under it live `shortTtl` seconds instead of `ttl`. */
  shortPrefix: string;
  ttl: number;
  shortTtl: number;
}

/** The local registries test/harness/registry/start-registry.sh runs. */
export function testRegistries(): TestRegistries {
  const file = path.join(CACHE, 'registry', 'registries.json');
  if (!fs.existsSync(file)) {
    throw new Error(`${file} does not exist: run bash test/harness/registry/start-registry.sh (npm test does).`);
  }
  const registries = JSON.parse(fs.readFileSync(file, 'utf8')) as TestRegistries;
  // An older start-registry.sh (another checkout's) writes the file without it; the script also keeps it alone.
  const token = path.join(CACHE, 'registry', 'token', 'registry.json');
  if (!registries.token && fs.existsSync(token)) {
    registries.token = JSON.parse(fs.readFileSync(token, 'utf8')) as TokenRegistry;
  }
  if (!registries.token) {
    // Said when it is used, not before: the other registries' tests need none of it.
    Object.defineProperty(registries, 'token', {
      get: () => {
        throw new Error(`${file} lists no token registry: run bash test/harness/registry/start-registry.sh from this checkout.`);
      },
    });
  }
  return registries;
}
