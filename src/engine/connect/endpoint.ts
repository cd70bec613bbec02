/**
 * Where an engine is, parsed from the URLs users write (DOCKER_HOST, a context's Host,
 * the strata.engines setting), kept apart from the client so that messages can name
 * the place without a connection.
 */
import * as l10n from '@vscode/l10n';
import * as os from 'os';
import * as path from 'path';

/** TLS as the docker CLI does it: verify the engine's certificate or not, with files by path. */
export interface TlsSettings {
  verify: boolean;
  /** PEM files; each optional (no CA: the system's; no cert/key: no client certificate). */
  ca?: string;
  cert?: string;
  key?: string;
}

export type EngineEndpoint =
  /** unix:// (and npipe:// on Windows). */
  | { kind: 'socket'; path: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsSettings; url: string }
  /**
   * ssh://[user@]host[:port][/remote/socket]: through the system ssh. Without a path the
   * far side's `docker system dial-stdio` reaches its engine; with one (Podman's form),
   * that remote socket is forwarded, since Podman has no dial-stdio.
   */
  | { kind: 'ssh'; user?: string; host: string; port?: number; socket?: string; url: string };

/** A URL Strata cannot use, with a sentence that says what it expected. */
export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointError';
  }
}

/**
 * Parses an engine URL. `tls` applies to tcp:// only (https:// always means TLS with
 * verification, as DOCKER_TLS_VERIFY does).
 */
export function parseEngineUrl(raw: string, tls?: TlsSettings, what = 'The engine address'): EngineEndpoint {
  const url = raw.trim();
  if (url.startsWith('unix://')) {
    const socket = url.slice('unix://'.length);
    if (!socket) {
      throw new EndpointError(l10n.t('{0} is "{1}", which names no socket: write unix:///path/to/docker.sock.', what, raw));
    }
    return { kind: 'socket', path: socket, url };
  }
  if (url.startsWith('npipe://')) {
    return { kind: 'socket', path: url.slice('npipe://'.length).replace(/\//g, '\\'), url };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^tcp:/i, 'http:'));
    } catch {
      throw new EndpointError(l10n.t('{0} is "{1}", which is not a valid address: write tcp://host:port.', what, raw));
    }
    if (!parsed.hostname) {
      throw new EndpointError(l10n.t('{0} is "{1}", which names no host: write tcp://host:port.', what, raw));
    }
    const useTls = scheme === 'https' ? { verify: true, ...tls } : tls;
    const port = parsed.port ? Number(parsed.port) : useTls ? 2376 : 2375;
    return { kind: 'tcp', host: stripBrackets(parsed.hostname), port, ...(useTls ? { tls: useTls } : {}), url };
  }
  if (scheme === 'ssh') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new EndpointError(l10n.t('{0} is "{1}", which is not a valid address: write ssh://user@host[:port].', what, raw));
    }
    if (!parsed.hostname) {
      throw new EndpointError(l10n.t('{0} is "{1}", which names no host: write ssh://user@host[:port].', what, raw));
    }
    if (parsed.password) {
      throw new EndpointError(l10n.t('{0} is "{1}", with a password, which Strata does not send: use an ssh key (ssh-agent or ~/.ssh/config) instead.', what, raw));
    }
    const socket = decodeURIComponent(parsed.pathname);
    return {
      kind: 'ssh',
      ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
      host: stripBrackets(parsed.hostname),
      ...(parsed.port ? { port: Number(parsed.port) } : {}),
      ...(socket && socket !== '/' ? { socket } : {}),
      url,
    };
  }
  throw new EndpointError(
    l10n.t('{0} is "{1}", which is not an address Strata understands: write unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.', what, raw),
  );
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** One key per place, so that the same engine found twice (a context and its socket) is listed once. */
export function endpointKey(e: EngineEndpoint): string {
  switch (e.kind) {
    case 'socket':
      return `unix:${path.resolve(e.path)}`;
    case 'tcp':
      return `tcp:${e.host.toLowerCase()}:${e.port}:${e.tls ? 'tls' : 'plain'}`;
    case 'ssh':
      return `ssh:${e.user ?? ''}@${e.host.toLowerCase()}:${e.port ?? 22}${e.socket ?? ''}`;
  }
}

/** The place as a person reads it in a sentence: a socket path, host:port, user@host. */
export function describePlace(e: EngineEndpoint): string {
  switch (e.kind) {
    case 'socket':
      return tildify(e.path);
    case 'tcp':
      return `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
    case 'ssh':
      return `${e.user ? `${e.user}@` : ''}${e.host}${e.port ? `:${e.port}` : ''}${e.socket ? ` (${e.socket})` : ''}`;
  }
}

/** A path under the home folder written with ~, as people write it. */
export function tildify(p: string, home = os.homedir()): string {
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}
