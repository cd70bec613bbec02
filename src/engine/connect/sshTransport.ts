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

/** Keeps a transport's process and pipes from holding the process open (see LocalRelay). */
function unrefChild(child: ChildProcess): void {
  child.unref();
  for (const pipe of [child.stdin, child.stdout, child.stderr]) {
    (pipe as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

/** stdin/stdout of one ssh process running dial-stdio, as one connection to the engine. */
class SshStdio extends Duplex {
  private stderr = '';
  private received = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly endpoint: SshEndpoint,
  ) {
    super({ allowHalfOpen: true });
    unrefChild(child);
    const out = child.stdout as NodeJS.ReadableStream & { pause(): void; resume(): void };
    out.on('data', (chunk: Buffer) => {
      this.received = true;
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
      if (this.destroyed) {
        return;
      }
      if (!this.received && code !== 0) {
        this.destroy(new SshError(`ssh to ${endpoint.host} failed: ${this.stderr.trim() || `exit code ${code}`}`, this.stderr.trim(), endpoint, code));
      } else {
        // The far side hung up (engine gone, connection cut): what came is read to its end.
        this.push(null);
      }
    });
  }

  override _read(): void {
    (this.child.stdout as (NodeJS.ReadableStream & { resume(): void }) | null)?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
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
    this.child.stdin?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill();
    }
    done(err);
  }
}

/** One connection to an engine over ssh: a new ssh process whose far side runs `docker system dial-stdio`. */
export function openSshStdio(endpoint: SshEndpoint, options: SshOptions = {}): Duplex {
  return new SshStdio(spawnSsh(endpoint, options), endpoint);
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
    unrefChild(child);
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
    super({ allowHalfOpen: true });
    socket.unref();
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
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, (err) => {
      if (err) {
        // Told before the socket's error event: the forward is restarted first.
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
}

/** One connection to a remote socket (the Podman form) through its forward, started when first needed. */
export async function openForwarded(forward: SocketForward, endpoint: SshEndpoint): Promise<Duplex> {
  const local = await forward.socket();
  return new ForwardedConnection(
    net.connect(local),
    () => new ForwardClosedError(`ssh could not reach ${endpoint.socket}: ${forward.said || FORWARD_CLOSED}`, forward.said || FORWARD_CLOSED, endpoint),
    // The ssh under it may be gone without having exited yet: the next connection gets a new one.
    () => forward.restart(),
  );
}
