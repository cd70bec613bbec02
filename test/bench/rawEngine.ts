/**
 * The floor every Strata number is compared with: the same Engine API requests made with
 * nothing but Node's `http` module, in the same process, bodies parsed as JSON (Strata
 * parses them too, so leaving that out would flatter the floor).
 */
import * as http from 'http';
import type { EngineEndpoint } from '../../src/engine/connect/endpoint';

export interface RawResponse {
  status: number;
  body: Buffer;
}

export class RawEngine {
  private readonly target: Pick<http.RequestOptions, 'socketPath' | 'host' | 'port'>;

  constructor(endpoint: EngineEndpoint) {
    if (endpoint.kind === 'tcp' && endpoint.tls) {
      throw new Error(`the bench speaks plain HTTP only; ${endpoint.url} needs TLS`);
    }
    this.target = endpoint.kind === 'socket' ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
  }

  /** One request; the default agent keeps connections alive, as dockerode's requests do too. */
  request(method: string, path: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.target, method, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * GET `path` and read the body to nowhere (each chunk handed to `onChunk` if given);
   * resolves with the number of body bytes. Its own connection, as a log stream would have.
   */
  drain(path: string, onChunk?: (chunk: Buffer) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.target, method: 'GET', path, agent: false }, (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          res.resume();
          reject(new Error(`GET ${path} answered ${res.statusCode}`));
          return;
        }
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          onChunk?.(c);
        });
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  private async ok(method: string, path: string): Promise<RawResponse> {
    const res = await this.request(method, path);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${res.body.toString().trim()}`);
    }
    return res;
  }

  async getJson<T>(path: string): Promise<T> {
    return JSON.parse((await this.ok('GET', path)).body.toString()) as T;
  }

  listImages(): Promise<Array<{ Id: string; RepoTags: string[] | null }>> {
    return this.getJson('/images/json');
  }

  /** What a layer stack needs from the engine for one image: both requests at once. */
  inspectAndHistory(id: string): Promise<[unknown, unknown[]]> {
    const name = encodeURIComponent(id);
    return Promise.all([this.getJson<unknown>(`/images/${name}/json`), this.getJson<unknown[]>(`/images/${name}/history`)]);
  }

  async tag(id: string, repo: string, tag: string): Promise<void> {
    const query = new URLSearchParams({ repo, tag });
    await this.ok('POST', `/images/${encodeURIComponent(id)}/tag?${query}`);
  }

  /** Removes one name only; `noprune` keeps the image even if that was its last name. */
  async untag(reference: string): Promise<void> {
    await this.ok('DELETE', `/images/${encodeURIComponent(reference)}?noprune=1`);
  }

  /**
   * Opens GET /events for image events and hands on each parsed event. Resolves once the
   * engine has answered, so nothing done afterwards can be missed.
   */
  events(onEvent: (event: { Action?: string; Actor?: { Attributes?: Record<string, string> } }) => void): Promise<() => void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['image'] }));
    return new Promise((resolve, reject) => {
      // Its own connection: a stream that never ends must not hold a pooled socket.
      const req = http.request({ ...this.target, method: 'GET', path: `/events?filters=${filters}`, agent: false }, (res) => {
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines.filter((l) => l.trim())) {
            onEvent(JSON.parse(line));
          }
        });
        res.on('error', () => undefined);
        resolve(() => req.destroy());
      });
      req.on('error', reject);
      req.end();
    });
  }
}
