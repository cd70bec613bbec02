/**
 * A local socket that Strata serves for an engine that is not itself a local socket (ssh,
 * TCP, TLS): dockerode sends its HTTP to `socketPath`, and each connection accepted here
 * is carried to the engine by a transport (an ssh process running dial-stdio, a forwarded
 * socket, a TCP or TLS connection).
 *
 * Why: VS Code's extension host patches Node's http/https for its proxy support
 * (`http.proxySupport`). In its default mode a request's own agent is replaced, and with it
 * whatever the agent did (open an ssh, skip TLS verification, keep connections alive); a
 * request to a socketPath is left alone. So every engine request goes to a socket path, in
 * VS Code and in the CLI alike, and the transport lives here, out of the patch's reach.
 * The client's kept-alive pool is kept: each pooled local connection is one transport
 * connection (one ssh process, one TLS session).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Duplex } from 'stream';

/** Opens one connection to the engine; rejects (or the stream errors before a byte) with why it could not. */
export type OpenTransport = () => Duplex | Promise<Duplex>;

/** Folders of relays not yet disposed, removed when the process exits. */
const live = new Set<string>();
let exitHook = false;

function privateSocketPath(): { socketPath: string; dir?: string } {
  const name = `strata-${process.pid}-${randomBytes(6).toString('hex')}`;
  if (process.platform === 'win32') {
    return { socketPath: `\\\\.\\pipe\\${name}` };
  }
  // A folder only its owner may enter: no other user on the machine can reach the engine through it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-'));
  fs.chmodSync(dir, 0o700);
  return { socketPath: path.join(dir, 'engine.sock'), dir };
}

export class LocalRelay {
  readonly socketPath: string;
  private readonly dir: string | undefined;
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();
  private lastFailure: { error: Error; at: number } | undefined;
  private serverError: Error | undefined;

  constructor(private readonly openTransport: OpenTransport) {
    const { socketPath, dir } = privateSocketPath();
    this.socketPath = socketPath;
    this.dir = dir;
    if (dir) {
      live.add(dir);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => live.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
      }
    }
    // Half-open: a hijacked stream (exec, attach) may end its input and still read the output.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.carry(socket));
    this.server.on('error', (err) => (this.serverError = err));
    // Bound before listen() returns: the first request may come at once.
    this.server.listen(socketPath);
    // The relay never keeps a process alive: the client's request does while it runs.
    this.server.unref();
  }

  /**
   * The transport's failure behind a request that broke (started at `since`, from
   * performance.now()): the client only sees its local connection closed, the reason is here.
   */
  failureSince(since: number): Error | undefined {
    if (this.serverError) {
      return this.serverError;
    }
    return this.lastFailure && this.lastFailure.at >= since ? this.lastFailure.error : undefined;
  }

  private fail(error: Error): void {
    this.lastFailure = { error, at: performance.now() };
  }

  private carry(local: net.Socket): void {
    local.unref();
    this.connections.add(local);
    local.on('close', () => this.connections.delete(local));
    local.on('error', () => undefined); // the client's side: its request tells it
    local.pause();
    let upstream: Duplex | undefined;
    local.on('close', () => upstream?.destroy());
    Promise.resolve()
      .then(() => this.openTransport())
      .then(
        (stream) => {
          upstream = stream;
          if (local.destroyed) {
            stream.destroy();
            return;
          }
          stream.pipe(local);
          local.pipe(stream);
          let answered = false;
          stream.once('data', () => (answered = true));
          stream.on('error', (err: Error) => {
            // A failure before the engine said anything is why the request failed.
            if (!answered) {
              this.fail(err);
            }
            local.destroy();
          });
          // Ended or closed without an error: what was read is written out first.
          stream.on('close', () => local.end());
          local.resume();
        },
        (err: Error) => {
          this.fail(err);
          local.destroy();
        },
      );
  }

  /** Closes the socket and every connection through it. */
  dispose(): void {
    this.server.close();
    for (const c of this.connections) {
      c.destroy();
    }
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      live.delete(this.dir);
    }
  }
}
