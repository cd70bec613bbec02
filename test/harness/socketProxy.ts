/**
 * A unix-socket proxy in front of the real engine, for tests of what happens when the
 * connection breaks: `cut()` drops every open connection and refuses new ones until
 * `restore()`, as an engine restart does from the client's side.
 */
import * as fs from 'fs';
import * as net from 'net';

export class SocketProxy {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();

  constructor(
    readonly path: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  async start(): Promise<void> {
    fs.rmSync(this.path, { force: true });
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      this.open.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(client);
        this.open.delete(upstream);
      };
      client.pipe(upstream).pipe(client);
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.path, resolve));
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
    fs.rmSync(this.path, { force: true });
  }

  async restore(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
