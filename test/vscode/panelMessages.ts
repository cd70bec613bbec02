/** What a panel posts to its webview, as the extension-host tests wait for it. */
import type * as vscode from 'vscode';

/** The next message of a type a panel (Layers or Compare) posts to its webview. */
export function nextPosted<M extends { type: string }, T extends M['type']>(
  panel: { onDidPost: vscode.Event<M> },
  type: T,
  timeoutMs = 90_000,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs / 1000} s`)), timeoutMs);
    const sub = panel.onDidPost((m) => {
      if (m.type === type) {
        clearTimeout(timer);
        sub.dispose();
        resolve(m as Extract<M, { type: T }>);
      }
    });
  });
}
