/**
 * Engines over ssh, the way the docker CLI reaches them: the system `ssh` (so
 * ~/.ssh/config, known_hosts, the agent and ProxyJump all apply) runs
 * `docker system dial-stdio` on the far side, and its stdin/stdout carry HTTP. Each ssh
 * process is one connection of a keep-alive pool: requests one after another reuse it,
 * only parallel ones start another.
 *
 * Podman has no dial-stdio, so for ssh://host/path/to/podman.sock one ssh process
 * forwards that remote socket to a local one (`ssh -N -L local:remote`; OpenSSH's -W
 * takes host:port only), and connections go through it.
 */
import { type ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Duplex } from 'stream';
import type { EngineEndpoint } from './endpoint';

export type SshEndpoint = Extract<EngineEndpoint, { kind: 'ssh' }>;

export interface SshOptions {
  /** The ssh program; "ssh" from PATH by default, as the docker CLI uses. */
  command?: string;
  /** ssh's ConnectTimeout, in seconds. */
  connectTimeoutSeconds?: number;
  /** Idle connections are closed after this long. */
  idleMs?: number;
}

/** How many connections an agent may open at once (undefined: as many as asked). */
export interface PoolOptions {
  maxSockets?: number;
}

/** The detail of a forwarded connection that the far side closed before a byte (no socket there). */
export const FORWARD_CLOSED = 'the forwarded connection was closed at once';

/** Why an ssh connection failed: ssh's own words, for describeEngineError to turn into a sentence. */
export class SshError extends Error {
  readonly code = 'ESSH';
  constructor(
    message: string,
    /** What ssh printed on stderr, or the spawn error's code (ENOENT: no ssh). */
    readonly detail: string,
    readonly endpoint: SshEndpoint,
    readonly exitCode?: number | null,
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/**
 * A forwarded connection that closed before any byte came back: nothing answers at the
 * remote socket, or the ssh connection under a kept-alive one has gone (then a new
 * connection, with a new ssh, works: reads are sent once more, see DockerEngine.read).
 */
export class ForwardClosedError extends SshError {}

/**
 * The arguments, as the docker CLI builds them: no terminal, a connect timeout, never a
 * prompt. With `forwardTo` (the Podman form): no command, the remote socket forwarded there.
 */
export function sshArguments(endpoint: SshEndpoint, options: SshOptions = {}, forwardTo?: string): string[] {
  const args = ['-T', '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 15}`, '-o', 'BatchMode=yes'];
  if (endpoint.user) {
    args.push('-l', endpoint.user);
  }
  if (endpoint.port) {
    args.push('-p', String(endpoint.port));
  }
  if (endpoint.socket && forwardTo) {
    args.push('-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-L', `${forwardTo}:${endpoint.socket}`, '--', endpoint.host);
  } else {
    args.push('--', endpoint.host, 'docker', 'system', 'dial-stdio');
  }
  return args;
}

function spawnSsh(endpoint: SshEndpoint, options: SshOptions, forwardTo?: string): ChildProcess {
  return spawn(options.command ?? 'ssh', sshArguments(endpoint, options, forwardTo), {
    stdio: ['pipe', 'pipe', 'pipe'],
    // No window for a password prompt (BatchMode says so too), and no console window on Windows.
    windowsHide: true,
    env: { ...process.env, SSH_ASKPASS_REQUIRE: 'never' },
  });
}

/** stdin/stdout of one ssh process as the socket an HTTP request runs over. */
class SshConnection extends Duplex {
  private stderr = '';
  private received = false;
  private idle: NodeJS.Timeout | undefined;
  timeout = 0;

  constructor(
    private readonly child: ChildProcess,
    private readonly endpoint: SshEndpoint,
  ) {
    super({ allowHalfOpen: false });
    const out = child.stdout as NodeJS.ReadableStream & { pause(): void; resume(): void };
    out.on('data', (chunk: Buffer) => {
      this.received = true;
      this.touch();
      if (!this.push(chunk)) {
        out.pause();
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      // Enough to explain a failure; ssh never prints much.
      this.stderr = (this.stderr + text).slice(-4000);
    });
    child.stdin?.on('error', () => undefined); // the process's exit explains it
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.destroy(new SshError(`ssh could not be started: ${err.message}`, err.code ?? err.message, endpoint));
    });
    // The end of stdout is told only once ssh has exited: a failure (host key, login,
    // refused) must reach the request as ssh's words, not as a bare hang-up.
    child.on('close', (code) => {
      if (!this.received && code !== 0 && !this.destroyed) {
        this.destroy(new SshError(`ssh to ${endpoint.host} failed: ${this.stderr.trim() || `exit code ${code}`}`, this.stderr.trim(), endpoint, code));
      } else if (!this.destroyed) {
        // The far side hung up (engine gone, connection cut): no more data either way.
        this.push(null);
        this.destroy();
      }
    });
  }

  override _read(): void {
    (this.child.stdout as NodeJS.ReadableStream & { resume(): void } | null)?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.touch();
    if (!this.child.stdin || this.child.stdin.destroyed) {
      done(new SshError(`ssh to ${this.endpoint.host} is closed`, this.stderr.trim(), this.endpoint));
      return;
    }
    // A failed write (EPIPE: ssh exited) is not the story; ssh's exit, told on 'close', is.
    this.child.stdin.write(chunk, () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    clearTimeout(this.idle);
    this.child.stdin?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill();
    }
    done(err);
  }

  // What http.Agent calls on its sockets.
  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  /** As net.Socket's: 0 turns the timer off and takes the given listener away (http does so per request). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.timeout = ms;
    if (onTimeout) {
      if (ms === 0) {
        this.removeListener('timeout', onTimeout);
      } else {
        this.once('timeout', onTimeout);
      }
    }
    this.touch();
    return this;
  }

  ref(): this {
    this.child.ref();
    return this;
  }

  unref(): this {
    this.child.unref();
    return this;
  }

  private touch(): void {
    clearTimeout(this.idle);
    if (this.timeout > 0) {
      this.idle = setTimeout(() => this.emit('timeout'), this.timeout);
      this.idle.unref();
    }
  }
}

/** An http.Agent whose connections are ssh processes; kept alive, closed when idle or disposed. */
export class SshAgent extends http.Agent {
  constructor(
    readonly endpoint: SshEndpoint,
    private readonly options: SshOptions = {},
    pool: PoolOptions = {},
  ) {
    // `timeout` closes idle pooled connections (Agent destroys free sockets that time out).
    super({ keepAlive: true, maxFreeSockets: 4, timeout: options.idleMs ?? 60_000, ...(pool.maxSockets ? { maxSockets: pool.maxSockets } : {}) });
  }

  override createConnection(): Duplex {
    return new SshConnection(spawnSsh(this.endpoint, this.options), this.endpoint);
  }
}

/**
 * One `ssh -N -L local:remote` process, started when first needed and again after it
 * ended (the connection broke); resolves with the local socket once ssh has opened it.
 */
export class SocketForward {
  private child: ChildProcess | undefined;
  private ready: Promise<string> | undefined;
  private stderr = '';
  /** Each ssh its own local socket: one that is exiting could remove its successor's. */
  private local = '';

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly options: SshOptions,
  ) {}

  /** What ssh said last (a failed forward names its reason there). */
  get said(): string {
    return this.stderr.trim();
  }

  socket(): Promise<string> {
    if (!this.ready) {
      this.ready = this.start();
      this.ready.catch(() => (this.ready = undefined));
    }
    return this.ready;
  }

  private start(): Promise<string> {
    const local = path.join(os.tmpdir(), `strata-ssh-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
    this.local = local;
    this.stderr = '';
    const child = spawnSsh(this.endpoint, this.options, local);
    this.child = child;
    child.stdin?.end();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      // What an ssh that was replaced says is not its successor's reason.
      if (this.child === child) {
        this.stderr = (this.stderr + text).slice(-4000);
      }
    });
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const poll = setInterval(() => {
        if (fs.existsSync(local)) {
          settled = true;
          clearInterval(poll);
          resolve(local);
        }
      }, 15);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearInterval(poll);
        settled = true;
        reject(new SshError(`ssh could not be started: ${err.message}`, err.code ?? err.message, this.endpoint));
      });
      child.on('close', (code) => {
        clearInterval(poll);
        fs.rmSync(local, { force: true });
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined; // the next connection starts it again
        }
        if (!settled) {
          settled = true;
          reject(new SshError(`ssh to ${this.endpoint.host} failed: ${this.said || `exit code ${code}`}`, this.said, this.endpoint, code));
        }
      });
    });
  }

  /** The next connection starts a new ssh (this one failed to carry a connection). */
  restart(): void {
    this.child?.kill();
    this.child = undefined;
    this.ready = undefined;
    if (this.local) {
      fs.rmSync(this.local, { force: true });
    }
  }

  dispose(): void {
    this.restart();
  }
}

/**
 * A connection to the forward's local end. ssh accepts it locally and closes it at once
 * when nothing answers at the remote socket (saying why on stderr only at LogLevel INFO):
 * an end before any byte becomes that failure, in words, instead of a bare hang-up.
 */
class ForwardedConnection extends Duplex {
  private received = false;

  constructor(
    private readonly socket: net.Socket,
    explain: () => SshError,
    private readonly broken: () => void,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      this.received = true;
      if (!this.push(chunk)) {
        socket.pause();
      }
    });
    socket.on('end', () => {
      if (this.received) {
        this.push(null);
      } else {
        const err = explain();
        broken();
        this.destroy(err);
      }
    });
    // Writing into the closed forward (EPIPE, ECONNRESET) is the same failure when nothing came back.
    socket.on('error', (err) => {
      const failure = this.received ? err : explain();
      broken();
      this.destroy(failure);
    });
    socket.on('timeout', () => this.emit('timeout'));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, (err) => {
      if (err) {
        // Told to the request before the socket's error event: the forward is restarted first.
        this.broken();
      }
      done(err ?? null);
    });
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy();
    done(err);
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  get timeout(): number | undefined {
    return this.socket.timeout;
  }

  setTimeout(ms: number, onTimeout?: () => void): this {
    this.socket.setTimeout(ms);
    if (onTimeout) {
      if (ms === 0) {
        this.removeListener('timeout', onTimeout);
      } else {
        this.once('timeout', onTimeout);
      }
    }
    return this;
  }

  ref(): this {
    this.socket.ref();
    return this;
  }

  unref(): this {
    this.socket.unref();
    return this;
  }
}

/** The Podman form's agent: connections to the local end of one forwarded remote socket. */
export class SshForwardAgent extends http.Agent {
  private readonly forward: SocketForward;

  constructor(
    readonly endpoint: SshEndpoint,
    options: SshOptions = {},
    forward?: SocketForward,
  ) {
    super({ keepAlive: true, maxFreeSockets: 4, timeout: options.idleMs ?? 60_000 });
    this.forward = forward ?? new SocketForward(endpoint, options);
  }

  /** Another agent over the same forward (one ssh process for both of an engine's pools). */
  sibling(): SshForwardAgent {
    return new SshForwardAgent(this.endpoint, {}, this.forward);
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const done = callback ?? (() => undefined);
    this.forward.socket().then(
      (local) =>
        done(
          null,
          new ForwardedConnection(
            net.connect(local),
            () => new ForwardClosedError(`ssh could not reach ${this.endpoint.socket}: ${this.forward.said || FORWARD_CLOSED}`, this.forward.said || FORWARD_CLOSED, this.endpoint),
            // The ssh under it may be gone without having exited yet: the next connection gets a new one.
            () => this.forward.restart(),
          ),
        ),
      (err: Error) => done(err, undefined as unknown as Duplex),
    );
    return undefined;
  }

  override destroy(): void {
    super.destroy();
    this.forward.dispose();
  }
}
