/**
 * The webview's side of a panel's channel (src/protocol/channel.ts; the host's side is
 * src/panels/hostChannel.ts): notices from the host go to one handler; requests carry an
 * id and every one of them settles, with the host's reply, with its `failed` sentence, or
 * with a timeout of its own. The Layers panel's and the Compare panel's scripts both use it.
 */

import type { Failed, Message, NoticeOf, ReplyOf, RequestOf, WithoutId } from '../../src/protocol/channel';

export type { NoticeOf } from '../../src/protocol/channel';

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

/** A request as its sender writes it; the id is added here. */
type Asked<R> = WithoutId<R>;

/** Why a request failed, as one sentence to show. */
export class RequestError extends Error {}

/** A request's answer when it was answered (a failure rejects instead). */
type Answer<To> = Exclude<ReplyOf<To>, Failed>;

interface Pending<Reply> {
  resolve(reply: Reply): void;
  reject(error: RequestError): void;
  timer: number;
}

export class RequestChannel<To extends Message, From extends Message> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Answer<To>>>();

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
  request(message: Asked<RequestOf<From>>): Promise<Answer<To>> {
    const requestId = this.nextId++;
    return new Promise<Answer<To>>((resolve, reject) => {
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
      if (reply.type === 'failed' && 'error' in reply) {
        waiting.reject(new RequestError(String(reply.error)));
      } else {
        waiting.resolve(reply as Answer<To>);
      }
      return;
    }
    this.onNotice(message as NoticeOf<To>);
  }
}
