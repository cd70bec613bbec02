/**
 * An HTTP proxy in front of a real engine's socket that can make chosen requests fail
 * (answer 500, or with a body the engine would never send) and counts what passes: for
 * the fault suite, where the engine itself is real and only the fault is made.
 */
import * as fs from 'fs';
import * as http from 'http';

export interface FaultRule {
  method?: string;
  path: RegExp;
  status: number;
  body: string;
  contentType?: string;
}

export class FaultProxy {
  private server: http.Server | undefined;
  readonly rules: FaultRule[] = [];
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
        answer.pipe(res);
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
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
    fs.rmSync(this.path, { force: true });
  }
}
