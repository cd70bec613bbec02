import { type EngineEndpoint, describePlace } from '../connect/endpoint';
import * as l10n from '@vscode/l10n';

/** Why the engine could not be used, in a form the views can switch on. */
export type EngineProblemKind = 'notRunning' | 'permissionDenied' | 'unreachable' | 'otherError';

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
  detail?: unknown;
}

/** The HTTP status the engine answered with, when the error is an answer (not a broken connection). */
export function statusCode(err: unknown): number | undefined {
  const status = (err as ErrorLike | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
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

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** ssh's own failure, from what it printed, as a sentence with the way forward. */
function describeSshFailure(detail: string, endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>): string {
  const where = describePlace(endpoint);
  const login = `ssh ${endpoint.port ? `-p ${endpoint.port} ` : ''}${endpoint.user ? `${endpoint.user}@` : ''}${endpoint.host}`;
  if (detail === 'ENOENT') {
    return l10n.t("ssh is not installed: Strata reaches ssh:// engines through the system's ssh, as the docker CLI does. Install the OpenSSH client (apt-get install openssh-client).");
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No [A-Z0-9-]+ host key is known/i.test(detail)) {
    return l10n.t('ssh does not know the host key of {0}: run {1} once in a terminal and accept the key, then retry.', endpoint.host, login);
  }
  if (/Permission denied/i.test(detail)) {
    return l10n.t('ssh could not log in to {0}: Strata cannot type a password, so use a key (ssh-agent, or IdentityFile in ~/.ssh/config) and check that {1} works without a prompt.', where, login);
  }
  if (/Connection refused/i.test(detail)) {
    return l10n.t('Nothing answers ssh at {0}: the connection was refused. Check the host and port, and that sshd runs there.', where);
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(detail)) {
    return l10n.t('The host {0} is not known (ssh could not resolve its name): check the address.', endpoint.host);
  }
  if (/timed out/i.test(detail)) {
    return l10n.t('ssh to {0} timed out: check that the host is up and reachable.', where);
  }
  if (/docker: (command )?not found|docker: No such file|exec: "?docker"?: executable file not found/i.test(detail)) {
    return l10n.t('{0} has no docker CLI on its PATH, which Strata needs there to reach its engine (docker system dial-stdio). Install it there, or for Podman add the socket\'s path to the address (ssh://{1}{2}/run/podman/podman.sock).', endpoint.host, endpoint.user ? `${endpoint.user}@` : '', endpoint.host);
  }
  if (/open failed|connect failed|No such file or directory|closed at once/i.test(detail) && endpoint.socket) {
    return l10n.t('Nothing answers at {0} on {1}: start the engine there (for Podman: systemctl --user start podman.socket), or check the path.', endpoint.socket, endpoint.host);
  }
  if (/dial-stdio|unknown command|Cannot connect to the Docker daemon/i.test(detail)) {
    return l10n.t('The engine behind {0} cannot be reached from there: {1}', where, detail.split('\n').filter(Boolean).pop() ?? '');
  }
  return l10n.t('ssh to {0} failed: {1}', where, detail.split('\n').filter(Boolean).pop() ?? l10n.t('it ended without a word'));
}

/** Turns a failed engine call into a problem a person can act on. */
export function describeEngineError(err: unknown, endpoint: EngineEndpoint | undefined): EngineProblem {
  const e = (err ?? {}) as ErrorLike;
  const code = e.code;
  const text = engineMessage(err);
  if (code === 'EREFUSED') {
    return { kind: 'otherError', message: text };
  }
  if (code === 'ECONFIG' || !endpoint) {
    return { kind: 'unreachable', message: text };
  }
  const where = describePlace(endpoint);
  const missing = /Could not find the file (.+?) in container/.exec(text);
  if (missing) {
    return { kind: 'otherError', message: l10n.t('{0} does not exist in the container.', missing[1]) };
  }
  if (code === 'EDATA') {
    return { kind: 'otherError', message: l10n.t('The engine at {0} sent an answer Strata cannot read: {1}. Is it a Docker-compatible engine, and is nothing between it and Strata changing its answers?', where, text) };
  }
  if (code === 'ESSH' && endpoint.kind === 'ssh') {
    return { kind: 'unreachable', message: describeSshFailure(String(e.detail ?? ''), endpoint) };
  }
  if (typeof code === 'string' && TLS_UNTRUSTED.has(code)) {
    return {
      kind: 'unreachable',
      message: l10n.t('The engine at {0} has a certificate that the CA Strata was given does not vouch for ({1}): check that ca.pem is the CA that signed the engine\'s certificate.', where, code),
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { kind: 'unreachable', message: l10n.t('The engine at {0} has a certificate made for another host name: use the name the certificate was made for, or make a new one.', where) };
  }
  if (/Client sent an HTTP request to an HTTPS server/i.test(text)) {
    return { kind: 'unreachable', message: l10n.t('The engine at {0} expects TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use a context with TLS).', where) };
  }
  if (/bad certificate|certificate required|alert number 4[26]|alert number 116/i.test(text)) {
    return { kind: 'unreachable', message: l10n.t('The engine at {0} refused the connection without a valid client certificate: give cert.pem and key.pem signed by its CA (DOCKER_CERT_PATH, the context, or strata.engines).', where) };
  }
  if (code === 'EPROTO' && /wrong version number|packet length too long|unknown protocol/i.test(text)) {
    return { kind: 'unreachable', message: l10n.t('The engine at {0} does not speak TLS: unset DOCKER_TLS_VERIFY, or use tcp:// without TLS.', where) };
  }
  switch (code) {
    case 'ENOENT':
      return {
        kind: 'notRunning',
        message: l10n.t('Docker is not running: {0} does not exist. Start the Docker Engine, or switch Strata to the engine you use.', where),
      };
    case 'ECONNREFUSED':
      return {
        kind: 'notRunning',
        message:
          endpoint.kind === 'socket'
            ? l10n.t('Docker is not running: {0} exists but no engine answers on it. Start the Docker Engine.', where)
            : l10n.t('Docker is not running at {0}: the connection was refused. Start the engine there, or check its address.', where),
      };
    case 'EACCES':
    case 'EPERM':
      return {
        kind: 'permissionDenied',
        message: l10n.t('Permission denied on {0}: add your user to the docker group (sudo usermod -aG docker $USER), then sign out and back in.', where),
      };
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        kind: 'unreachable',
        message: l10n.t('The Docker Engine at {0} could not be reached ({1}). Check that it is running and that its address is right.', where, String(code)),
      };
    default:
      return { kind: 'otherError', message: l10n.t('The Docker Engine at {0} answered: {1}', where, text) };
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
  const status = statusCode(err);
  // Docker: "…conflict: unable to delete … (must be forced) - image is being used by stopped container 0123…"; Podman: "image used by 0123…: image is in use by a container".
  const container = (/container ([0-9a-f]{12,64})/.exec(text) ?? /image used by ([0-9a-f]{12,64})/.exec(text))?.[1];
  if (container) {
    const running = /running container/.test(text);
    return {
      message: running
        ? l10n.t('{0} is used by the running container {1}: remove that container first, then the image.', reference, container.slice(0, 12))
        : l10n.t('{0} is used by the container {1}: remove that container first, then the image.', reference, container.slice(0, 12)),
      containerId: container,
    };
  }
  if (/dependent child images/.test(text)) {
    return { message: l10n.t('{0} cannot be removed: other images are built on it. Remove those images first.', reference) };
  }
  if (status === 404 || /No such image/i.test(text)) {
    return { message: l10n.t('{0} no longer exists: it was removed or renamed meanwhile.', reference) };
  }
  return { message: l10n.t('{0} could not be removed: {1}', reference, text) };
}

export interface RunRefusal {
  message: string;
  /** The container already holding the name, when that was the problem. */
  conflictingContainerId?: string;
}

/** Why the engine refused to create or start a container, in a sentence with a way forward. */
export function describeRunError(err: unknown, image: string, name?: string): RunRefusal {
  const text = engineMessage(err);
  const status = statusCode(err);
  const nameInUse = /name "\/?([^"]+)" is already in use by container "?([0-9a-f]{12,64})/.exec(text);
  if (nameInUse) {
    return {
      message: l10n.t('The name {0} is already used by another container: choose another name, or remove that container.', nameInUse[1]),
      conflictingContainerId: nameInUse[2],
    };
  }
  const portTaken =
    /Bind for (\S+?):(\d+) failed: port is already allocated/.exec(text) ?? /listen (?:tcp|udp)\d?\s+(\S+?):(\d+): bind: address already in use/.exec(text);
  if (portTaken) {
    const where = portTaken[1] === '0.0.0.0' || portTaken[1] === '::' || portTaken[1] === '' ? '' : ` on ${portTaken[1]}`;
    return { message: l10n.t('Host port {0}{1} is already in use by another container or program: choose another host port (or leave it out for a random one).', portTaken[2], where) };
  }
  if (/No such image/i.test(text) || (status === 404 && /image/i.test(text))) {
    return { message: l10n.t('The image {0} no longer exists: it was removed or renamed meanwhile. Refresh the Images view and pick another.', image) };
  }
  if (/no command specified/i.test(text)) {
    return { message: l10n.t('{0} has no command to run (it sets neither CMD nor ENTRYPOINT): give one under "Command".', image) };
  }
  if (/executable file not found|no such file or directory/i.test(text) && /exec/i.test(text)) {
    return { message: l10n.t('The command could not be started in {0}: {1}', image, text) };
  }
  if (/invalid mount config|bind source path does not exist/i.test(text)) {
    return { message: l10n.t('A bind mount was refused: {0}', text) };
  }
  return { message: l10n.t('The container{0} could not be run: {1}', name ? ` ${name}` : '', text) };
}
