/**
 * What both panels show while an export streams in: until its first byte, that the engine
 * is being waited for and for how long (an engine just started once sent nothing for
 * 20 s), instead of a bare spinner; then the bytes read of the total. The notification and
 * the webview hear it at most ten times a second.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../shared/format';

export interface ExportProgressWords {
  waiting(seconds: number): string;
  read(bytes: string, total: string): string;
}

export interface ExportProgress {
  /** The analysis's progress callback: bytes read so far. */
  onProgress(bytes: number): void;
  dispose(): void;
}

export function exportProgress(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  total: number,
  words: ExportProgressWords,
  post: (bytesRead: number, waitingMs?: number) => void,
): ExportProgress {
  let reported = 0;
  let lastPost = 0;
  const started = Date.now();
  const waiting = setInterval(() => {
    if (reported === 0) {
      const waitingMs = Date.now() - started;
      progress.report({ message: words.waiting(Math.round(waitingMs / 1000)) });
      post(0, waitingMs);
    }
  }, 1000);
  return {
    onProgress: (bytes) => {
      const now = Date.now();
      if (now - lastPost < 100) {
        return;
      }
      lastPost = now;
      const increment = total > 0 ? ((bytes - reported) / total) * 100 : undefined;
      reported = bytes;
      progress.report({ message: total ? words.read(formatBytes(bytes), formatBytes(total)) : formatBytes(bytes), increment });
      post(bytes);
    },
    dispose: () => clearInterval(waiting),
  };
}
