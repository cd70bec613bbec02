/**
 * An HTTP proxy in front of a real registry, for tests of a registry client when things go
 * wrong: it can answer chosen requests itself (401, 403, 404, 429 with Retry-After, 5xx:
 * any status and headers), cut a response after N bytes of its body (the registry killed
 * mid-blob), and records every request, so a test can say how many blobs a client fetched.
 * It speaks HTTP to the client, or TLS with a certificate it is given (the token registry's
 * own, so a client trusts it with the same CA), and HTTP or TLS to the registry. The
 * registry itself is real; only the fault is made.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';

export interface ProxyUpstream {
  host: string;
  port: number;
  /** The CA file of an HTTPS registry. */
  ca?: string;
}

interface Matcher {
  /** Any method when absent. */
  method?: string;
  path: RegExp;
  /** How many matching requests the rule applies to (then it is spent); every one when absent. */
  times?: number;
}

/** Answer the request here, without asking the registry. */
export interface AnswerRule extends Matcher {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Forward the request, pass the status, the headers and `afterBytes` of the body, then drop the connection. */
export interface CutRule extends Matcher {
  afterBytes: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The status the client got (the proxy's own when a rule answered); undefined while unanswered. */
  status?: number;
  /** Body bytes sent to the client. */
  bytes: number;
  answeredHere: boolean;
  cut: boolean;
}

const BLOB = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})/;

export class RegistryProxy {
  private server: http.Server | undefined;
  private port = 0;
  private readonly answers: Array<{ rule: AnswerRule; left: number }> = [];
  private readonly cuts: Array<{ rule: CutRule; left: number }> = [];
  /** Every request, in order of arrival. */
  readonly requests: ProxiedRequest[] = [];

  /** `tls`: the certificate and key to serve (PEM files); plain HTTP without. */
  constructor(
    private readonly upstream: ProxyUpstream,
    private readonly tls?: { cert: string; key: string },
  ) {}

  /** "127.0.0.1:PORT", to put where the registry's address went. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  answer(rule: AnswerRule): this {
    this.answers.push({ rule, left: rule.times ?? Infinity });
    return this;
  }

  cutAfter(rule: CutRule): this {
    this.cuts.push({ rule, left: rule.times ?? Infinity });
    return this;
  }

  /** Rules off (requests recorded so far stay). */
  clearRules(): void {
    this.answers.length = 0;
    this.cuts.length = 0;
  }

  /** The GETs of blobs (not uploads), with the digest each asked for. */
  blobGets(): Array<ProxiedRequest & { repository: string; digest: string }> {
    return this.requests.flatMap((r) => {
      const m = r.method === 'GET' ? BLOB.exec(r.path) : null;
      return m ? [{ ...r, repository: m[1], digest: m[2] }] : [];
    });
  }

  count(pattern: RegExp, method?: string): number {
    return this.requests.filter((r) => (!method || r.method === method) && pattern.test(r.path)).length;
  }

  async start(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = this.tls
      ? https.createServer({ cert: fs.readFileSync(this.tls.cert), key: fs.readFileSync(this.tls.key) }, handler)
      : http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server?.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private take<R extends Matcher>(rules: Array<{ rule: R; left: number }>, req: http.IncomingMessage): R | undefined {
    const found = rules.find((r) => r.left > 0 && (!r.rule.method || r.rule.method === req.method) && r.rule.path.test(req.url ?? ''));
    if (found) {
      found.left--;
    }
    return found?.rule;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const seen: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', bytes: 0, answeredHere: false, cut: false };
    this.requests.push(seen);
    const answer = this.take(this.answers, req);
    if (answer) {
      req.resume();
      const body = answer.body ?? '';
      seen.status = answer.status;
      seen.answeredHere = true;
      seen.bytes = req.method === 'HEAD' ? 0 : Buffer.byteLength(body);
      res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...answer.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const cut = this.take(this.cuts, req);
    const options: https.RequestOptions = {
      host: this.upstream.host,
      port: this.upstream.port,
      method: req.method,
      path: req.url,
      // The Host the client used stays: the registry builds upload Locations from it, which then point here.
      headers: req.headers,
      ...(this.upstream.ca ? { ca: fs.readFileSync(this.upstream.ca) } : {}),
    };
    const upstream = (this.upstream.ca ? https : http).request(options, (answer) => {
      seen.status = answer.statusCode;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!cut) {
        answer.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
        answer.pipe(res);
        return;
      }
      const drop = () => {
        seen.cut = true;
        answer.destroy();
        res.socket?.destroy();
      };
      if (cut.afterBytes === 0) {
        res.flushHeaders();
        drop();
        return;
      }
      let cutting = false;
      answer.on('data', (chunk: Buffer) => {
        const room = cut.afterBytes - seen.bytes;
        if (cutting || room <= 0) {
          return;
        }
        const part = chunk.subarray(0, room);
        seen.bytes += part.length;
        if (seen.bytes < cut.afterBytes) {
          res.write(part);
        } else {
          // Written out, then the connection goes: the client has exactly afterBytes.
          cutting = true;
          res.write(part, drop);
        }
      });
      // A body shorter than afterBytes passes whole.
      answer.on('end', () => cutting || res.end());
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }
}
