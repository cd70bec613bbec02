/**
 * Parsers and validators for the options of "Run with Options…". Each returns either a
 * value or one sentence saying what is wrong with which entry, so the input box can
 * show it as the user types and nothing reaches the engine until it is right.
 */
import { isIPv4 } from 'net';
import * as path from 'path';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Splits a comma-separated list; `\,` is a literal comma inside an entry. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === ',') {
      current += ',';
      i++;
    } else if (c === ',') {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

// --- container name -------------------------------------------------------------------

/** The engine's rule for names (moby's `RestrictedNameChars`). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** An empty name is fine: the engine makes one up. */
export function parseContainerName(text: string): Parsed<string | undefined> {
  const name = text.trim().replace(/^\//, '');
  if (name === '') {
    return ok(undefined);
  }
  if (!NAME.test(name)) {
    return fail(
      `"${name}" is not a valid container name: use at least 2 characters, starting with a letter or digit, then letters, digits, "_", "." or "-".`,
    );
  }
  return ok(name);
}

// --- ports -----------------------------------------------------------------------------

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PortMapping {
  /** Empty for all interfaces. */
  hostIp: string;
  /** undefined: the engine picks a free host port. */
  hostPort?: number;
  containerPort: number;
  protocol: Protocol;
}

function port(text: string, which: string, entry: string): Parsed<number> {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    return fail(`"${entry}": the ${which} port "${text}" is not a number from 1 to 65535.`);
  }
  return ok(Number(text));
}


/** One entry: `80`, `8080:80`, `127.0.0.1:8080:80`, `[::1]:8080:80`, any of them with `/udp`. */
export function parsePortMapping(entry: string): Parsed<PortMapping> {
  let rest = entry.trim();
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') {
      return fail(`"${entry}": the protocol "${proto}" is not tcp, udp or sctp.`);
    }
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2];
    if (!rest.includes(':')) {
      return fail(`"${entry}": after an address, give hostPort:containerPort.`);
    }
  }
  const parts = rest.split(':');
  if (parts.length > 3 || parts.some((p) => p === '' && parts.length === 1)) {
    return fail(`"${entry}" is not a port mapping: write 8080:80, 127.0.0.1:8080:80, 80 or 8080:80/udp.`);
  }
  if (parts.length === 3) {
    if (!isIPv4(parts[0])) {
      return fail(`"${entry}": "${parts[0]}" is not an IP address.`);
    }
    hostIp = parts.shift() as string;
  }
  const containerText = parts.pop() as string;
  const container = port(containerText, 'container', entry);
  if (!container.ok) {
    return fail(container.error);
  }
  let hostPort: number | undefined;
  if (parts.length === 1 && parts[0] !== '') {
    const host = port(parts[0], 'host', entry);
    if (!host.ok) {
      return fail(host.error);
    }
    hostPort = host.value;
  }
  return ok({ hostIp, hostPort, containerPort: container.value, protocol });
}

/** Several mappings, comma-separated; the same host port twice is refused here, not by the engine. */
export function parsePortMappings(text: string): Parsed<PortMapping[]> {
  const mappings: PortMapping[] = [];
  for (const entry of splitList(text)) {
    const parsed = parsePortMapping(entry);
    if (!parsed.ok) {
      return parsed;
    }
    const m = parsed.value;
    const clash = mappings.find(
      (o) => o.hostPort !== undefined && o.hostPort === m.hostPort && o.protocol === m.protocol && (o.hostIp === m.hostIp || !o.hostIp || !m.hostIp),
    );
    if (clash) {
      return fail(`Host port ${m.hostPort}/${m.protocol} is given twice: each host port can be published once.`);
    }
    mappings.push(m);
  }
  return ok(mappings);
}

export function formatPortMapping(m: PortMapping): string {
  const host = m.hostPort === undefined ? '' : `${m.hostIp ? `${m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp}:` : ''}${m.hostPort}:`;
  return `${host}${m.containerPort}${m.protocol === 'tcp' ? '' : `/${m.protocol}`}`;
}

/** The image's exposed ports ("80/tcp") as mappings to the same host port, for pre-filling. */
export function defaultPortMappings(exposed: string[]): string {
  return exposed
    .map((p) => {
      const [num, proto = 'tcp'] = p.split('/');
      return `${num}:${num}${proto === 'tcp' ? '' : `/${proto}`}`;
    })
    .join(', ');
}

// --- environment -------------------------------------------------------------------------

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `KEY=VALUE` entries, comma-separated (`\,` for a comma in a value). */
export function parseEnvironment(text: string): Parsed<string[]> {
  const env: string[] = [];
  for (const entry of splitList(text)) {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      return fail(`"${entry}" has no value: write ${entry}=value (or ${entry}= for an empty one).`);
    }
    const key = entry.slice(0, eq).trim();
    if (!ENV_KEY.test(key)) {
      return fail(`"${key}" is not a variable name: use letters, digits and "_", not starting with a digit.`);
    }
    env.push(`${key}=${entry.slice(eq + 1)}`);
  }
  return ok(env);
}

// --- bind mounts -------------------------------------------------------------------------

export interface BindMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** `/host/path:/container/path[:ro|rw]`, comma-separated; the host path must exist. */
export function parseBindMounts(text: string, exists: (hostPath: string) => boolean): Parsed<BindMount[]> {
  const mounts: BindMount[] = [];
  for (const entry of splitList(text)) {
    const parts = entry.split(':');
    let mode = 'rw';
    if (parts.length === 3) {
      mode = parts.pop() as string;
      if (mode !== 'ro' && mode !== 'rw') {
        return fail(`"${entry}": the mode "${mode}" is not ro or rw.`);
      }
    }
    if (parts.length !== 2) {
      return fail(`"${entry}" is not a bind mount: write /host/path:/container/path or add :ro for read-only.`);
    }
    const [hostPath, containerPath] = parts;
    if (!path.posix.isAbsolute(hostPath)) {
      return fail(`"${entry}": the host path "${hostPath}" must be absolute (start with /).`);
    }
    if (!path.posix.isAbsolute(containerPath)) {
      return fail(`"${entry}": the container path "${containerPath}" must be absolute (start with /).`);
    }
    if (!exists(hostPath)) {
      return fail(`"${entry}": the host path ${hostPath} does not exist.`);
    }
    mounts.push({ hostPath, containerPath, readOnly: mode === 'ro' });
  }
  return ok(mounts);
}

// --- command -----------------------------------------------------------------------------

/** Splits a command line into words as a shell would for quoting (no expansion). */
export function parseCommand(text: string): Parsed<string[] | undefined> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        quote = undefined;
      } else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) {
    return fail(`The command has an unclosed ${quote === '"' ? 'double' : 'single'} quote.`);
  }
  if (inWord) {
    words.push(word);
  }
  return ok(words.length ? words : undefined);
}

export function formatCommand(words: string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

// --- all together ------------------------------------------------------------------------

/** What "Run with Options…" asks, as typed; remembered per image for "Run Again". */
export interface RunOptionsInput {
  name: string;
  ports: string;
  env: string;
  mounts: string;
  command: string;
  removeWhenStopped: boolean;
}

export interface RunOptions {
  image: string;
  name?: string;
  ports: PortMapping[];
  env: string[];
  mounts: BindMount[];
  command?: string[];
  removeWhenStopped: boolean;
  /** Extra labels (tests mark their containers to find them). */
  labels?: Record<string, string>;
}

export function parseRunOptions(image: string, input: RunOptionsInput, exists: (p: string) => boolean): Parsed<RunOptions> {
  const name = parseContainerName(input.name);
  const ports = parsePortMappings(input.ports);
  const env = parseEnvironment(input.env);
  const mounts = parseBindMounts(input.mounts, exists);
  const command = parseCommand(input.command);
  for (const p of [name, ports, env, mounts, command]) {
    if (!p.ok) {
      return fail(p.error);
    }
  }
  return ok({
    image,
    name: (name as { value: string | undefined }).value,
    ports: (ports as { value: PortMapping[] }).value,
    env: (env as { value: string[] }).value,
    mounts: (mounts as { value: BindMount[] }).value,
    command: (command as { value: string[] | undefined }).value,
    removeWhenStopped: input.removeWhenStopped,
  });
}

/** The body of POST /containers/create for these options (the Engine API's field names). */
export function toCreateBody(o: RunOptions): Record<string, unknown> {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of o.ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort === undefined ? '' : String(p.hostPort) });
  }
  return {
    Image: o.image,
    ...(o.name ? { name: o.name } : {}),
    ...(o.command ? { Cmd: o.command } : {}),
    Env: o.env,
    ExposedPorts: exposed,
    Labels: { 'dev.strata.run': 'true', ...o.labels },
    HostConfig: {
      PortBindings: bindings,
      Binds: o.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
      AutoRemove: o.removeWhenStopped,
    },
  };
}
