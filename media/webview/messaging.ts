/**
 * The webview's side of the protocol (src/protocol/layersProtocol.ts): notices from the
 * host go to one handler; requests carry an id and every one of them settles, with the
 * host's rows, with the host's error sentence, or with a timeout of its own.
 */
import type { FromWebview, LayersPanelState, ToWebview, TreeMode, TreeRowView, TreeSort } from '../../src/protocol/layersProtocol';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: LayersPanelState): void;
  getState(): LayersPanelState | undefined;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's handle on VS Code; it can be acquired once per page. */
export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

type Request = Extract<FromWebview, { requestId: number }>;
type Reply = Extract<ToWebview, { requestId: number }>;
/** A message the host sends on its own (everything but replies). */
export type Notice = Exclude<ToWebview, Reply>;
/** A request as its sender writes it; the id is added here. */
type Asked<R> = R extends unknown ? Omit<R, 'requestId'> : never;

/** Why a request failed, as one sentence to show. */
export class RequestError extends Error {}

export interface TreeQuery {
  layer: number;
  mode: TreeMode;
  sort: TreeSort;
  filter: string;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: RequestError): void;
  timer: number;
}

export class Messaging {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly api: VsCodeApi,
    private readonly onNotice: (message: Notice) => void,
    /** A host that never answers must not leave the tree waiting for ever. */
    private readonly timeoutMs = 30_000,
  ) {
    window.addEventListener('message', (event: MessageEvent<ToWebview>) => this.receive(event.data));
  }

  post(message: Exclude<FromWebview, Request>): void {
    this.api.postMessage(message);
  }

  /** Resolves with the host's reply; rejects with its error sentence, or when none comes in time. */
  request(message: Asked<Request>): Promise<Reply> {
    const requestId = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RequestError(`The panel did not answer within ${Math.round(this.timeoutMs / 1000)} s.`));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.api.postMessage({ ...message, requestId } as Request);
    });
  }

  /** The rows of one folder of a layer's tree ('' for the top). */
  async listChildren(query: TreeQuery, path: string): Promise<TreeRowView[]> {
    const reply = await this.request({ type: 'listChildren', path, ...query });
    return reply.rows;
  }

  private receive(message: ToWebview | undefined): void {
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
      return;
    }
    if ('requestId' in message) {
      const waiting = this.pending.get(message.requestId);
      if (!waiting) {
        return; // answered too late: its request already failed with a timeout
      }
      this.pending.delete(message.requestId);
      window.clearTimeout(waiting.timer);
      if (message.error !== undefined) {
        waiting.reject(new RequestError(message.error));
      } else {
        waiting.resolve(message);
      }
      return;
    }
    this.onNotice(message);
  }
}
