/**
 * A byte-level proxy in front of a real engine, for tests of what happens when the
 * connection breaks: `cut()` drops every open connection and refuses new ones until
 * `restore()`, as an engine restart does from the client's side;
 * `makeOpenConnectionsStale()` is the restart the client has not noticed yet. It listens
 * on a unix socket or a local TCP port and forwards to either, so it can stand in front
 * of a socket, a TLS port (TLS passes through untouched) or sshd.
 */
import * as fs from 'fs';
import * as net from 'net';

export type ProxyTarget = { path: string } | { host: string; port: number };

export class SocketProxy {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();
  private readonly stale = new WeakSet<net.Socket>();
  private port = 0;
  /** Connections accepted since it was made (a kept-alive client opens one for requests one after another). */
  accepted = 0;

  /** `listen`: a socket path, or 'tcp' for a free port on `host` (kept across cut and restore). */
  constructor(
    private readonly listen: string,
    private readonly target: ProxyTarget = { path: '/var/run/docker.sock' },
    private readonly host = '127.0.0.1',
  ) {}

  /** The socket path, or "HOST:PORT" when listening on TCP. */
  get path(): string {
    return this.listen === 'tcp' ? `${this.host}:${this.port}` : this.listen;
  }

  get tcpPort(): number {
    return this.port;
  }

  async start(): Promise<void> {
    if (this.listen !== 'tcp') {
      fs.rmSync(this.listen, { force: true });
    }
    this.server = net.createServer((client) => {
      this.accepted++;
      const upstream = 'path' in this.target ? net.connect(this.target.path) : net.connect(this.target.port, this.target.host);
      this.open.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(client);
        this.open.delete(upstream);
      };
      // Forwarded by hand, not piped: a connection made stale hangs up on its next bytes.
      client.on('data', (chunk: Buffer) => {
        if (this.stale.has(client)) {
          close();
        } else if (!upstream.write(chunk)) {
          client.pause();
          upstream.once('drain', () => client.resume());
        }
      });
      client.on('end', () => upstream.end());
      upstream.pipe(client);
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      if (this.listen === 'tcp') {
        this.server?.listen(this.port, this.host, () => {
          this.port = (this.server?.address() as net.AddressInfo).port;
          resolve();
        });
      } else {
        this.server?.listen(this.listen, resolve);
      }
    });
  }

  /** Drops every connection and stops listening: clients see the engine go away. */
  async cut(): Promise<void> {
    // Connections first: server.close() waits for them to end by themselves.
    for (const s of this.open) {
      s.destroy();
    }
    this.open.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
    if (this.listen !== 'tcp') {
      fs.rmSync(this.listen, { force: true });
    }
  }

  /**
   * The connections open now hang up on their next request, without an answer: a
   * kept-alive connection to an engine that restarted before the client saw it close.
   * New connections work.
   */
  makeOpenConnectionsStale(): void {
    for (const s of this.open) {
      this.stale.add(s);
    }
  }

  async restore(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
