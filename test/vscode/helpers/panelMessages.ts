/** What a panel posts to its webview, and what it answers, as the extension-host tests see it (the test-only API). */
import type { StrataApi } from '../../../src/extension';

interface PanelLike {
  readonly panel: { viewType: string };
  readonly state: { key: string };
}

/** The next message of a type a panel (Layers or Compare) posts to its webview. */
export function nextPosted<M extends { type: string }, T extends M['type']>(api: StrataApi, panel: PanelLike & { channel: { post(m: M): void } }, type: T, timeoutMs = 90_000): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs / 1000} s`)), timeoutMs);
    const sub = api.onDidPostToPanel((p) => {
      const m = p.message as M;
      if (p.viewType === panel.panel.viewType && p.key === panel.state.key && m.type === type) {
        clearTimeout(timer);
        sub.dispose();
        resolve(m as Extract<M, { type: T }>);
      }
    });
  });
}

/** A reply (`children`) or a `failed` with its sentence as `error` and no rows. */
export interface Answer<R> {
  type: string;
  requestId: number;
  rows: R[];
  error?: string;
}

/**
 * Sends a request as the webview does and returns the panel's answer.
 */
export async function ask<R>(
  api: StrataApi,
  panel: PanelLike & { channel: { receive(m: never): Promise<void> } },
  request: { requestId: number } & Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<Answer<R>> {
  const answer = new Promise<Answer<R>>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no reply to request ${request.requestId} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const sub = api.onDidPostToPanel((p) => {
      const m = p.message as { type: string; requestId?: number; rows?: R[]; error?: string };
      if (p.key === panel.state.key && m.requestId === request.requestId) {
        clearTimeout(timer);
        sub.dispose();
        resolve({ type: m.type, requestId: request.requestId, rows: m.rows ?? [], ...(m.type === 'failed' ? { error: m.error } : {}) });
      }
    });
  });
  await panel.channel.receive(request as never);
  return answer;
}
