/**
 * Every engine a user could mean, each with where it came from: the environment
 * (DOCKER_HOST), the docker CLI's contexts, the strata.engines setting, and the
 * well-known sockets that exist. And which one is active, in the CLI's order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type DockerContexts, dockerConfigDir, readDockerContexts } from './dockerContexts';
import { type EngineEndpoint, EndpointError, type TlsSettings, endpointKey, parseEngineUrl, tildify } from './endpoint';
import * as l10n from '@vscode/l10n';

export type EngineOrigin = 'environment' | 'context' | 'setting' | 'socket';

export interface EngineCandidate {
  /** Stable across discoveries: "env", "context:NAME", "setting:NAME", "socket:PATH". */
  id: string;
  name: string;
  origin: EngineOrigin;
  /** Where it was found, as the picker says it: "DOCKER_HOST", "docker context", "socket"… */
  source: string;
  /** Undefined when it cannot be used; `problem` says why, in a sentence. */
  endpoint?: EngineEndpoint;
  problem?: string;
  /** Ids of the same endpoint found elsewhere too (listed once, under the first). */
  aliases: string[];
}

/** One entry of the strata.engines setting. */
export interface SettingEngine {
  name: string;
  url: string;
  ca?: string;
  cert?: string;
  key?: string;
  /** Check the engine's certificate (default true when TLS files are given). */
  tlsVerify?: boolean;
}

export interface DiscoveryInput {
  env?: NodeJS.ProcessEnv;
  home?: string;
  settings?: readonly SettingEngine[];
}

export interface Discovery {
  candidates: EngineCandidate[];
  contexts: DockerContexts;
  env: NodeJS.ProcessEnv;
  /** Things skipped and why, for the log. */
  notes: string[];
}

interface WellKnownSocket {
  name: string;
  path: (home: string, env: NodeJS.ProcessEnv) => string | undefined;
}

const runtimeDir = (env: NodeJS.ProcessEnv) => env.XDG_RUNTIME_DIR?.trim() || undefined;

/** Where engines listen by default, in the order they are tried when nothing else says. */
export const WELL_KNOWN_SOCKETS: readonly WellKnownSocket[] = [
  { name: 'Docker', path: () => '/var/run/docker.sock' },
  { name: 'Docker Desktop', path: (home) => path.join(home, '.docker', 'run', 'docker.sock') },
  { name: 'Docker Desktop', path: (home) => path.join(home, '.docker', 'desktop', 'docker.sock') },
  { name: 'rootless Docker', path: (_, env) => runtimeDir(env) && path.join(runtimeDir(env) as string, 'docker.sock') },
  { name: 'Colima', path: (home) => path.join(home, '.colima', 'default', 'docker.sock') },
  { name: 'OrbStack', path: (home) => path.join(home, '.orbstack', 'run', 'docker.sock') },
  { name: 'Podman', path: (_, env) => runtimeDir(env) && path.join(runtimeDir(env) as string, 'podman', 'podman.sock') },
  { name: 'Podman', path: () => '/run/podman/podman.sock' },
];

/** DOCKER_TLS_VERIFY (any non-empty value, as in the CLI) or DOCKER_TLS, with files from DOCKER_CERT_PATH. */
export function environmentTls(env: NodeJS.ProcessEnv, configDir = dockerConfigDir(env)): TlsSettings | undefined {
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  if (!verify && (env.DOCKER_TLS ?? '') === '') {
    return undefined;
  }
  const dir = env.DOCKER_CERT_PATH?.trim() || configDir;
  const file = (name: string) => path.join(dir, name);
  const exists = (name: string) => fs.existsSync(file(name));
  // As the CLI: the CA is needed to verify; a client certificate only where both files exist.
  return {
    verify,
    ...(verify || exists('ca.pem') ? { ca: file('ca.pem') } : {}),
    ...(exists('cert.pem') && exists('key.pem') ? { cert: file('cert.pem'), key: file('key.pem') } : {}),
  };
}

function expandHome(p: string | undefined, home: string): string | undefined {
  return p && (p === '~' || p.startsWith('~/')) ? path.join(home, p.slice(1)) : p;
}

function fromUrl(
  base: Omit<EngineCandidate, 'endpoint' | 'problem' | 'aliases'>,
  url: string,
  tls: TlsSettings | undefined,
  what: string,
): EngineCandidate {
  try {
    return { ...base, aliases: [], endpoint: parseEngineUrl(url, tls, what) };
  } catch (err) {
    return { ...base, aliases: [], problem: err instanceof EndpointError ? err.message : String(err) };
  }
}

export function discoverEngines(input: DiscoveryInput = {}): Discovery {
  const env = input.env ?? process.env;
  const home = input.home ?? os.homedir();
  const configDir = dockerConfigDir(env, home);
  const contexts = readDockerContexts(configDir);
  const found: EngineCandidate[] = [];

  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    found.push(
      fromUrl({ id: 'env', name: 'DOCKER_HOST', origin: 'environment', source: 'environment' }, dockerHost, environmentTls(env, configDir), 'DOCKER_HOST'),
    );
  }
  for (const c of contexts.contexts) {
    found.push({
      id: `context:${c.name}`,
      name: c.name,
      origin: 'context',
      source: c.name === contexts.currentContext ? 'docker context (current)' : 'docker context',
      endpoint: c.endpoint,
      problem: c.problem,
      aliases: [],
    });
  }
  for (const s of input.settings ?? []) {
    if (!s || typeof s.name !== 'string' || typeof s.url !== 'string') {
      continue;
    }
    const files = { ca: expandHome(s.ca, home), cert: expandHome(s.cert, home), key: expandHome(s.key, home) };
    const anyTls = Boolean(files.ca || files.cert || files.key) || s.tlsVerify !== undefined;
    const tls = anyTls ? { verify: s.tlsVerify ?? true, ...(files.ca ? { ca: files.ca } : {}), ...(files.cert ? { cert: files.cert } : {}), ...(files.key ? { key: files.key } : {}) } : undefined;
    found.push(fromUrl({ id: `setting:${s.name}`, name: s.name, origin: 'setting', source: 'strata.engines' }, s.url, tls, l10n.t('The URL of "{0}" in strata.engines', s.name)));
  }
  for (const known of WELL_KNOWN_SOCKETS) {
    const socket = known.path(home, env);
    if (socket && fs.existsSync(socket)) {
      found.push({ id: `socket:${socket}`, name: known.name, origin: 'socket', source: tildify(socket, home), endpoint: { kind: 'socket', path: socket, url: `unix://${socket}` }, aliases: [] });
    }
  }

  // One endpoint listed once, under the first place that names it.
  const byKey = new Map<string, EngineCandidate>();
  const candidates: EngineCandidate[] = [];
  for (const c of found) {
    const key = c.endpoint ? endpointKey(c.endpoint) : undefined;
    const first = key ? byKey.get(key) : undefined;
    if (first) {
      first.aliases.push(c.id);
      continue;
    }
    if (key) {
      byKey.set(key, c);
    }
    candidates.push(c);
  }
  return { candidates, contexts, env, notes: contexts.notes };
}

export function findCandidate(discovery: Discovery, id: string): EngineCandidate | undefined {
  return discovery.candidates.find((c) => c.id === id || c.aliases.includes(id));
}

/** What the active engine is, and why that one, in words for the log and the picker. */
export interface ActiveChoice {
  candidate: EngineCandidate;
  reason: string;
}

/**
 * The active engine, in the docker CLI's order, after the user's own choice in Strata:
 * the choice > DOCKER_HOST > DOCKER_CONTEXT > currentContext > the first socket that
 * answers. A context named but missing is the answer too (with its problem), as the CLI
 * fails then rather than quietly using another engine.
 */
export async function chooseActiveEngine(
  discovery: Discovery,
  userChoice: string | undefined,
  answers: (endpoint: EngineEndpoint) => Promise<boolean>,
): Promise<ActiveChoice> {
  if (userChoice) {
    const chosen = findCandidate(discovery, userChoice);
    if (chosen) {
      return { candidate: chosen, reason: 'chosen in Strata' };
    }
  }
  const env = findCandidate(discovery, 'env');
  if (env) {
    return { candidate: env, reason: 'DOCKER_HOST is set' };
  }
  const named = discovery.env.DOCKER_CONTEXT?.trim()
    ? { name: (discovery.env.DOCKER_CONTEXT as string).trim(), by: 'DOCKER_CONTEXT' }
    : discovery.contexts.currentContext
      ? { name: discovery.contexts.currentContext, by: l10n.t('the current context in {0}', tildify(path.join(discovery.contexts.configDir, 'config.json'))) }
      : undefined;
  if (named && named.name !== 'default') {
    const context = findCandidate(discovery, `context:${named.name}`);
    if (context) {
      return { candidate: context, reason: `${named.by} names it` };
    }
    return {
      candidate: {
        id: `context:${named.name}`,
        name: named.name,
        origin: 'context',
        source: 'docker context',
        aliases: [],
        problem: `${named.by === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : named.by[0].toUpperCase() + named.by.slice(1)} names the context "${named.name}", which does not exist in ${tildify(path.join(discovery.contexts.configDir, 'contexts'))}: create it (docker context create), ${named.by === 'DOCKER_CONTEXT' ? 'unset DOCKER_CONTEXT' : 'run docker context use default'}, or switch to another engine.`,
      },
      reason: `${named.by} names it`,
    };
  }
  const sockets = discovery.candidates.filter((c) => c.origin === 'socket' && c.endpoint);
  const answered = await Promise.all(sockets.map((c) => answers(c.endpoint as EngineEndpoint).catch(() => false)));
  const first = sockets.find((_, i) => answered[i]);
  if (first) {
    return { candidate: first, reason: 'the first socket that answers' };
  }
  // Nothing answers: the default socket, so that the message names where Docker is expected.
  const fallback = sockets[0] ?? {
    id: 'socket:/var/run/docker.sock',
    name: 'Docker',
    origin: 'socket' as const,
    source: '/var/run/docker.sock',
    endpoint: { kind: 'socket' as const, path: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock' },
    aliases: [],
  };
  return { candidate: fallback, reason: 'no engine answers at the usual sockets' };
}
