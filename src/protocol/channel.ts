/**
 * The request/reply channel both sides of a panel speak (the host: src/panels/hostChannel.ts,
 * the webview: media/shared/requestChannel.ts). The webview says `ready` before the host
 * posts anything. A message with a `requestId` is a request; the host answers each one
 * with a message of the same id: the reply, or a `failed` with the sentence to show.
 */

export type Message = { type: string };

/** The answer to a request that could not be answered. */
export interface Failed {
  type: 'failed';
  requestId: number;
  error: string;
}

/** A message that expects an answer, and the answers (a reply or a failure). */
export type RequestOf<From> = Extract<From, { requestId: number }>;
export type ReplyOf<To> = Extract<To, { requestId: number }>;
/** A message one side sends on its own (everything but requests and replies). */
export type NoticeOf<M> = Exclude<M, { requestId: number }>;
/** A request or a reply as its sender writes it; the id is added by the channel. */
export type WithoutId<R> = R extends unknown ? Omit<R, 'requestId'> : never;
