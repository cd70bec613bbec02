/**
 * Builds the dockerode client for one endpoint, with every option given by Strata:
 * docker-modem otherwise reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from
 * the environment by itself (an env host wins over the socket it is given, and a
 * DOCKER_HOST it cannot parse throws), so the chosen engine would not be the one reached.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import Docker from 'dockerode';
import { type EngineEndpoint, type TlsSettings, tildify } from './endpoint';
import { SshAgent, SshForwardAgent, type SshOptions } from './sshTransport';

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
        ? `The TLS ${what} ${tildify(file)} for ${place} does not exist: point the engine's settings at the right folder (DOCKER_CERT_PATH, the context, or strata.engines).`
        : `The TLS ${what} ${tildify(file)} for ${place} cannot be read (${code ?? (err as Error).message}).`,
    );
  }
}

function tlsAgent(tls: TlsSettings, place: string): { agent: https.Agent; ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const ca = readTlsFile(tls.ca, 'CA certificate', place);
  const cert = readTlsFile(tls.cert, 'client certificate', place);
  const key = readTlsFile(tls.key, 'client key', place);
  // docker-modem passes no rejectUnauthorized; the agent's options win over a request's.
  const agent = new https.Agent({ keepAlive: true, ca, cert, key, rejectUnauthorized: tls.verify });
  return { agent, ca, cert, key };
}

export function createEngineClient(endpoint: EngineEndpoint, options: ClientOptions = {}): EngineClient {
  switch (endpoint.kind) {
    case 'socket': {
      const docker = withoutModemEnvironment(() => new Docker({ socketPath: endpoint.path }));
      return { docker, long: docker, dispose: () => undefined };
    }
    case 'tcp': {
      const place = `${endpoint.host}:${endpoint.port}`;
      if (endpoint.tls) {
        const { agent, ca, cert, key } = tlsAgent(endpoint.tls, place);
        const docker = withoutModemEnvironment(
          () => new Docker({ protocol: 'https', host: endpoint.host, port: endpoint.port, ca, cert, key, agent } as Docker.DockerOptions),
        );
        return { docker, long: docker, dispose: () => agent.destroy() };
      }
      const agent = new http.Agent({ keepAlive: true });
      const docker = withoutModemEnvironment(() => new Docker({ protocol: 'http', host: endpoint.host, port: endpoint.port, agent } as Docker.DockerOptions));
      return { docker, long: docker, dispose: () => agent.destroy() };
    }
    case 'ssh': {
      // Every new ssh connection costs a handshake (~0.25 s on a LAN), a request on an open
      // one a few ms: quick calls queue on one kept-alive connection; long ones get their own.
      let quick: http.Agent;
      let long: http.Agent;
      if (endpoint.socket) {
        const forward = new SshForwardAgent(endpoint, options.ssh);
        quick = forward;
        long = forward.sibling();
      } else {
        quick = new SshAgent(endpoint, options.ssh, { maxSockets: 1 });
        long = new SshAgent(endpoint, options.ssh);
      }
      // The host name only fills the Host header; the agent decides where bytes go.
      const client = (agent: http.Agent) => withoutModemEnvironment(() => new Docker({ protocol: 'http', host: 'api.moby.localhost', agent } as Docker.DockerOptions));
      return {
        docker: client(quick),
        long: client(long),
        dispose: () => {
          long.destroy();
          quick.destroy();
        },
      };
    }
  }
}
