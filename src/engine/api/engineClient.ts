/**
 * Builds the dockerode client for one endpoint, with every option given by Strata:
 * docker-modem otherwise reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from
 * the environment by itself (an env host wins over the socket it is given, and a
 * DOCKER_HOST it cannot parse throws), so the chosen engine would not be the one reached.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { performance } from 'perf_hooks';
import { connect as tlsConnect } from 'tls';
import Docker from 'dockerode';
import { type EngineEndpoint, type TlsSettings, tildify } from '../connect/endpoint';
import { statusCode } from './engineError';
import { LocalRelay, type OpenTransport } from '../connect/localRelay';
import { SocketForward, type SshOptions, openForwarded, openSshStdio } from '../connect/sshTransport';
import * as l10n from '@vscode/l10n';

/** A setting that makes the engine unusable before any request (a missing TLS file…). */
export class EngineConfigError extends Error {
  readonly code = 'ECONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'EngineConfigError';
  }
}

export interface EngineClient {
  /** Quick calls (list, inspect, history, ping…). */
  docker: Docker;
  /**
   * Long-lived or slow calls (a log follow, the event stream, an export, a stop that
   * waits for the container): over ssh, a pool of their own, so that they never hold up
   * the quick calls; elsewhere the same client.
   */
  long: Docker;
  /** Closes pooled connections (ssh processes, TLS sessions). */
  dispose(): void;
}

export interface ClientOptions {
  ssh?: SshOptions;
}

const MODEM_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];

/** Runs `make` with docker-modem's environment variables out of its sight (it reads them in its constructor only). */
function withoutModemEnvironment<T>(make: () => T): T {
  const saved = MODEM_ENV.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) {
    delete process.env[name];
  }
  try {
    return make();
  } finally {
    for (const [name, value] of saved) {
      if (value !== undefined) {
        process.env[name] = value;
      }
    }
  }
}

function readTlsFile(file: string | undefined, what: string, place: string): Buffer | undefined {
  if (!file) {
    return undefined;
  }
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EngineConfigError(
      code === 'ENOENT'
        ? l10n.t('The TLS {0} {1} for {2} does not exist: point the engine\'s settings at the right folder (DOCKER_CERT_PATH, the context, or strata.engines).', what, tildify(file), place)
        : l10n.t('The TLS {0} {1} for {2} cannot be read ({3}).', what, tildify(file), place, code ?? (err as Error).message),
    );
  }
}

/** Opens TLS connections as the CLI makes them: its CA, its client certificate, verify or not; sessions resumed. */
function tlsTransport(host: string, port: number, tls: TlsSettings, place: string): OpenTransport {
  const ca = readTlsFile(tls.ca, 'CA certificate', place);
  const cert = readTlsFile(tls.cert, 'client certificate', place);
  const key = readTlsFile(tls.key, 'client key', place);
  let session: Buffer | undefined;
  return () => {
    const socket = tlsConnect({
      host,
      port,
      // SNI takes names only.
      ...(net.isIP(host) ? {} : { servername: host }),
      ca,
      cert,
      key,
      rejectUnauthorized: tls.verify,
      session,
    });
    socket.on('session', (s: Buffer) => (session = s));
    return socket;
  };
}

/**
 * A dockerode client for a socket path, with the environment out of its sight. `agent`
 * pools the connections (a request to a socketPath keeps its agent in VS Code too).
 */
function socketClient(socketPath: string, agent?: http.Agent): Docker {
  return withoutModemEnvironment(() => new Docker({ socketPath, ...(agent ? { agent } : {}) } as Docker.DockerOptions));
}

/**
 * A client whose requests reach the engine through a relay (see localRelay.ts). A request
 * that broke because the transport failed (ssh could not log in, a certificate was
 * refused) rejects with the transport's own error, which describeEngineError puts in words.
 */
function relayedClient(relay: LocalRelay, agent: http.Agent): Docker {
  const docker = socketClient(relay.socketPath, agent);
  const modem = docker.modem as { dial(options: unknown, callback?: (err: unknown, data: unknown) => void): void };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const since = performance.now();
    dial(options, (err, data) => callback?.(err && statusCode(err) === undefined ? (relay.failureSince(since) ?? err) : err, data));
  };
  return docker;
}

export function createEngineClient(endpoint: EngineEndpoint, options: ClientOptions = {}): EngineClient {
  if (endpoint.kind === 'socket') {
    const docker = socketClient(endpoint.path);
    return { docker, long: docker, dispose: () => undefined };
  }
  let open: OpenTransport;
  let closeTransport = () => undefined as void;
  // ssh: every new connection costs a handshake (~0.25 s on a LAN), a request on an open
  // one a few ms: quick calls queue on one kept-alive connection; long ones get their own.
  let quick: http.Agent;
  let long: http.Agent;
  const idle = options.ssh?.idleMs ?? 60_000;
  switch (endpoint.kind) {
    case 'tcp': {
      const place = `${endpoint.host}:${endpoint.port}`;
      open = endpoint.tls ? tlsTransport(endpoint.host, endpoint.port, endpoint.tls, place) : () => net.connect({ host: endpoint.host, port: endpoint.port });
      quick = long = new http.Agent({ keepAlive: true });
      break;
    }
    case 'ssh': {
      if (endpoint.socket) {
        const forward = new SocketForward(endpoint, options.ssh ?? {});
        open = () => openForwarded(forward, endpoint);
        closeTransport = () => forward.dispose();
      } else {
        open = () => openSshStdio(endpoint, options.ssh);
      }
      // `timeout` closes idle pooled connections (the agent destroys free sockets that time out).
      quick = new http.Agent({ keepAlive: true, maxFreeSockets: 4, timeout: idle, ...(endpoint.socket ? {} : { maxSockets: 1 }) });
      long = new http.Agent({ keepAlive: true, maxFreeSockets: 4, timeout: idle });
      break;
    }
  }
  const relay = new LocalRelay(open);
  const docker = relayedClient(relay, quick);
  return {
    docker,
    long: long === quick ? docker : relayedClient(relay, long),
    dispose: () => {
      long.destroy();
      quick.destroy();
      relay.dispose();
      closeTransport();
    },
  };
}
