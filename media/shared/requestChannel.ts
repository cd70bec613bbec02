/**
 * The webview's side of a panel protocol (src/protocol/*Protocol.ts): notices from the
 * host go to one handler; requests carry an id and every one of them settles, with the
 * host's reply, with the host's error sentence, or with a timeout of its own. The Layers
 * panel's and the Compare panel's scripts both use `RequestChannel`.
 */

/** The handle VS Code gives a webview, for a protocol's messages and its saved state. */
export interface WebviewApi<From, State> {
  postMessage(message: From): void;
  setState(state: State): void;
  getState(): State | undefined;
}

declare function acquireVsCodeApi(): unknown;

/** The webview's handle on VS Code; it can be acquired once per page. */
export function vscodeApi<Api>(): Api {
  return acquireVsCodeApi() as Api;
}

type Message = { type: string };
/** A message that expects an answer, and the answer (with the host's error sentence, if any). */
type RequestOf<From> = Extract<From, { requestId: number }>;
type ReplyOf<To> = Extract<To, { requestId: number; error?: string }>;
/** A message the host sends on its own (everything but replies). */
export type NoticeOf<To> = Exclude<To, ReplyOf<To>>;
/** A request as its sender writes it; the id is added here. */
type Asked<R> = R extends unknown ? Omit<R, 'requestId'> : never;

/** Why a request failed, as one sentence to show. */
export class RequestError extends Error {}

interface Pending<Reply> {
  resolve(reply: Reply): void;
  reject(error: RequestError): void;
  timer: number;
}

export class RequestChannel<To extends Message, From extends Message> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<ReplyOf<To>>>();

  constructor(
    private readonly api: Pick<WebviewApi<From, unknown>, 'postMessage'>,
    private readonly onNotice: (message: NoticeOf<To>) => void,
    /** A host that never answers must not leave the panel waiting for ever. */
    private readonly timeoutMs = 30_000,
  ) {
    window.addEventListener('message', (event: MessageEvent<To>) => this.receive(event.data));
  }

  post(message: Exclude<From, RequestOf<From>>): void {
    this.api.postMessage(message);
  }

  /** Resolves with the host's reply; rejects with its error sentence, or when none comes in time. */
  request(message: Asked<RequestOf<From>>): Promise<ReplyOf<To>> {
    const requestId = this.nextId++;
    return new Promise<ReplyOf<To>>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RequestError(`The panel did not answer within ${Math.round(this.timeoutMs / 1000)} s.`));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.api.postMessage({ ...message, requestId } as unknown as From);
    });
  }

  private receive(message: To | undefined): void {
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
      return;
    }
    if ('requestId' in message) {
      const reply = message as ReplyOf<To>;
      const waiting = this.pending.get(reply.requestId);
      if (!waiting) {
        return; // answered too late: its request already failed with a timeout
      }
      this.pending.delete(reply.requestId);
      window.clearTimeout(waiting.timer);
      if (reply.error !== undefined) {
        waiting.reject(new RequestError(reply.error));
      } else {
        waiting.resolve(reply);
      }
      return;
    }
    this.onNotice(message as NoticeOf<To>);
  }
}
