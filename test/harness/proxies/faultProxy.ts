/**
 * An HTTP proxy in front of a real engine's socket that can make chosen requests fail
 * (answer 500, or with a body the engine would never send), slow chosen answers down, and
 * counts what passes: for the fault suite, where the engine itself is real and only the
 * fault is made, and for tests that need an export to last while they act.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { Readable, Writable } from 'stream';

export interface FaultRule {
  method?: string;
  path: RegExp;
  status: number;
  body: string;
  contentType?: string;
}

export interface Throttle {
  path: RegExp;
  bytesPerSecond: number;
}

/** How often a throttled answer passes its next slice. */
const TICK_MS = 50;

export class FaultProxy {
  private server: http.Server | undefined;
  readonly rules: FaultRule[] = [];
  /**
   * While set, answers to requests whose path matches pass at this rate, whatever the
   * engine's speed; cleared, they (those under way too) go at full speed.
   */
  throttle: Throttle | undefined;
  /** Every request seen, "GET /containers/…/json". */
  readonly seen: string[] = [];

  constructor(
    readonly path: string,
    private readonly target = '/var/run/docker.sock',
  ) {}

  async start(): Promise<void> {
    fs.rmSync(this.path, { force: true });
    this.server = http.createServer((req, res) => {
      const line = `${req.method} ${req.url}`;
      this.seen.push(line);
      const rule = this.rules.find((r) => (!r.method || r.method === req.method) && r.path.test(req.url ?? ''));
      if (rule) {
        req.resume();
        res.writeHead(rule.status, { 'Content-Type': rule.contentType ?? 'application/json' });
        res.end(rule.body);
        return;
      }
      const upstream = http.request({ socketPath: this.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const throttled = this.throttle?.path.test(req.url ?? '');
        if (throttled) {
          passSlowly(answer, res, () => (this.throttle?.path.test(req.url ?? '') ? this.throttle.bytesPerSecond : undefined));
        } else {
          answer.pipe(res);
        }
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.path, resolve));
  }

  count(pattern: RegExp): number {
    return this.seen.filter((l) => pattern.test(l)).length;
  }

  async stop(): Promise<void> {
    // Connections first: close() waits for them, and a client may keep one open (an event stream).
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await closed;
    fs.rmSync(this.path, { force: true });
  }
}

/** Passes `from` to `to` a tick's share at a time while `rate()` gives one, then as fast as `to` takes it. */
function passSlowly(from: Readable, to: Writable, rate: () => number | undefined): void {
  const send = (rest: Buffer) => {
    if (to.destroyed) {
      from.destroy();
      return;
    }
    const bytesPerSecond = rate();
    const slice = bytesPerSecond === undefined ? rest.length : Math.max(1, Math.floor((bytesPerSecond * TICK_MS) / 1000));
    const drained = to.write(rest.subarray(0, slice));
    if (rest.length > slice) {
      setTimeout(() => send(rest.subarray(slice)), TICK_MS);
    } else if (bytesPerSecond !== undefined) {
      setTimeout(() => from.resume(), TICK_MS);
    } else if (drained) {
      from.resume();
    } else {
      to.once('drain', () => from.resume());
    }
  };
  from.on('data', (chunk: Buffer) => {
    from.pause();
    send(chunk);
  });
  from.on('end', () => to.end());
  from.on('error', () => to.destroy());
}
