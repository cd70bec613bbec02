/**
 * The host's side of a panel's channel (src/protocol/channel.ts), the counterpart of the
 * webview's RequestChannel: notices go out as they are; each request from the webview is
 * answered with its id, by its handler's reply, or by a `failed` with the sentence the
 * handler threw, so the webview never waits on silence.
 */
import type * as vscode from 'vscode';
import type { Failed, Message, NoticeOf, ReplyOf, RequestOf, WithoutId } from '../protocol/channel';

type RequestHandlers<To extends Message, From extends Message> = {
  [K in RequestOf<From>['type']]: (request: Extract<RequestOf<From>, { type: K }>) => WithoutId<Exclude<ReplyOf<To>, Failed>> | Promise<WithoutId<Exclude<ReplyOf<To>, Failed>>>;
};
type NoticeHandlers<From extends Message> = {
  [K in NoticeOf<From>['type']]?: (notice: Extract<NoticeOf<From>, { type: K }>) => unknown;
};

export interface ChannelHandlers<To extends Message, From extends Message> {
  notices: NoticeHandlers<From>;
  requests: RequestHandlers<To, From>;
  /** The sentence for a failure that is not a Refusal (a bug, a malformed request). */
  unexpected?(err: unknown): string;
}

/** A request the panel cannot answer, with the sentence the webview shows. */
export class Refusal extends Error {}

export class HostChannel<To extends Message, From extends Message> {
  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: ChannelHandlers<To, From>,
    /** Sees every message posted (the extension-host tests; nothing else). */
    private readonly observe?: (message: To) => void,
  ) {}

  /** Hands the webview's messages to the handlers; returns what stops listening. */
  listen(): vscode.Disposable {
    return this.webview.onDidReceiveMessage((m: From) => void this.receive(m));
  }

  post(message: NoticeOf<To> | ReplyOf<To>): void {
    void this.webview.postMessage(message);
    this.observe?.(message as To);
  }

  /** One message from the webview; resolves when it has been handled (tests await it). */
  async receive(message: From): Promise<void> {
    if (!message || typeof message.type !== 'string') {
      return;
    }
    if ('requestId' in message) {
      const request = message as RequestOf<From>;
      const handler = (this.handlers.requests as Record<string, (r: unknown) => unknown>)[request.type];
      try {
        if (!handler) {
          throw new Refusal(`The panel does not answer "${request.type}".`);
        }
        const reply = (await handler(request)) as object;
        this.post({ ...reply, requestId: request.requestId } as unknown as ReplyOf<To>);
      } catch (err) {
        const error = err instanceof Refusal ? err.message : (this.handlers.unexpected?.(err) ?? (err instanceof Error ? err.message : String(err)));
        const failed: Failed = { type: 'failed', requestId: request.requestId, error };
        this.post(failed as unknown as ReplyOf<To>);
      }
      return;
    }
    const handler = (this.handlers.notices as Record<string, ((n: unknown) => unknown) | undefined>)[message.type];
    await handler?.(message);
  }
}
