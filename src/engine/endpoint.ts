/**
 * Where the Docker Engine is: from DOCKER_HOST, or the platform's default socket.
 * Kept apart from the client so messages can name the place without a connection.
 */
export type EngineEndpoint =
  | { kind: 'socket'; path: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; url: string };

const DEFAULT_SOCKET = '/var/run/docker.sock';

export function resolveEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const raw = env.DOCKER_HOST?.trim();
  if (!raw) {
    return { kind: 'socket', path: DEFAULT_SOCKET, url: `unix://${DEFAULT_SOCKET}` };
  }
  if (raw.startsWith('unix://')) {
    const path = raw.slice('unix://'.length);
    return { kind: 'socket', path, url: raw };
  }
  if (raw.startsWith('npipe://')) {
    const path = raw.slice('npipe://'.length).replace(/\//g, '\\');
    return { kind: 'socket', path, url: raw };
  }
  if (raw.startsWith('tcp://') || raw.startsWith('http://') || raw.startsWith('https://')) {
    const url = new URL(raw.replace(/^tcp:/, 'http:'));
    const tls = url.protocol === 'https:' || (env.DOCKER_TLS_VERIFY ?? '') !== '';
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    return { kind: 'tcp', host: url.hostname, port, tls, url: raw };
  }
  throw new Error(
    `DOCKER_HOST is set to "${raw}", which Strata does not understand: use unix:///path/to/docker.sock or tcp://host:port.`,
  );
}
