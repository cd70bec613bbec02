import type { EngineEndpoint } from './endpoint';

/** Why the engine could not be used, in a form the views can switch on. */
export type EngineProblemKind = 'notRunning' | 'permissionDenied' | 'otherError';

export interface EngineProblem {
  kind: EngineProblemKind;
  /** One sentence a person can act on; never a stack trace. */
  message: string;
}

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  json?: unknown;
  reason?: unknown;
  message?: unknown;
}

function place(endpoint: EngineEndpoint): string {
  return endpoint.kind === 'socket' ? endpoint.path : `${endpoint.host}:${endpoint.port}`;
}

/** The engine's own words from a docker-modem error, without its "(HTTP code N) …" prefix. */
export function engineMessage(err: unknown): string {
  const e = (err ?? {}) as ErrorLike;
  const json = e.json as { message?: unknown } | string | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string' && json.message) {
    return json.message.trim();
  }
  if (typeof json === 'string' && json.trim()) {
    return json.trim();
  }
  const text = typeof e.message === 'string' ? e.message : String(err);
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim() || text;
}

/** Turns a failed engine call into a problem a person can act on. */
export function describeEngineError(err: unknown, endpoint: EngineEndpoint): EngineProblem {
  const code = (err as ErrorLike | undefined)?.code;
  const where = place(endpoint);
  switch (code) {
    case 'ENOENT':
      return {
        kind: 'notRunning',
        message: `Docker is not running: ${where} does not exist. Start the Docker Engine, or set DOCKER_HOST to the engine you use.`,
      };
    case 'ECONNREFUSED':
      return {
        kind: 'notRunning',
        message:
          endpoint.kind === 'socket'
            ? `Docker is not running: ${where} exists but no engine answers on it. Start the Docker Engine.`
            : `Docker is not running at ${where}: the connection was refused. Start the engine there, or check DOCKER_HOST.`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        kind: 'permissionDenied',
        message: `Permission denied on ${where}: add your user to the docker group (sudo usermod -aG docker $USER), then sign out and back in.`,
      };
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
      return {
        kind: 'otherError',
        message: `The Docker Engine at ${where} could not be reached (${String(code)}). Check that it is running and that DOCKER_HOST is right.`,
      };
    default:
      return { kind: 'otherError', message: `The Docker Engine at ${where} answered: ${engineMessage(err)}` };
  }
}

export interface RemoveImageRefusal {
  message: string;
  /** The container that keeps the image, when the engine named one. */
  containerId?: string;
}

/** Why the engine refused `docker rmi NAME`, in words; the container named when there is one. */
export function describeRemoveImageError(err: unknown, reference: string): RemoveImageRefusal {
  const text = engineMessage(err);
  const status = (err as ErrorLike | undefined)?.statusCode;
  const container = /container ([0-9a-f]{12,64})/.exec(text)?.[1];
  if (container) {
    const running = /running container/.test(text);
    return {
      message: `${reference} is used by ${running ? 'the running' : 'the'} container ${container.slice(0, 12)}: remove that container first, then the image.`,
      containerId: container,
    };
  }
  if (/dependent child images/.test(text)) {
    return { message: `${reference} cannot be removed: other images are built on it. Remove those images first.` };
  }
  if (status === 404 || /No such image/i.test(text)) {
    return { message: `${reference} no longer exists: it was removed or renamed meanwhile.` };
  }
  return { message: `${reference} could not be removed: ${text}` };
}
