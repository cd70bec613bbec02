/**
 * Failures Strata tells apart by type, never by their text. Sentences are made with
 * `@vscode/l10n`: the extension loads its bundle at activation (so a person reads them in
 * VS Code's language), the CLI loads none (English).
 */

/** Work a person stopped (a panel closed, Cancel on its progress): not a failure to report as one. */
export class CancelledError extends Error {
  constructor(what = 'the work') {
    super(`${what} was cancelled`);
    this.name = 'CancelledError';
  }
}

/** Whether `err` is a cancellation: Strata's own, or Node's AbortError from an aborted request or stream. */
export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError');
}
