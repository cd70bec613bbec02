/**
 * The one way commands fail: every command is registered through here, and whatever it
 * throws becomes the same kind of message — one sentence, the ways forward it offers, and
 * Show Details with the engine's own words (also in the Strata log). Commands do not
 * catch to show errors themselves; they throw a CommandError when they have more to say.
 */
import * as vscode from 'vscode';
import { ArchiveError } from '../analysis/archiveReader';
import { engineMessage } from '../engine/api/engineError';

export interface CommandAction {
  title: string;
  run(): unknown;
}

/**
 * A failure with words of the command's own: `message` is the sentence, or with a cause
 * to describe, its beginning ("web could not be stopped"), the engine's sentence after it.
 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly options: { cause?: unknown; describeCause?: boolean; actions?: CommandAction[] } = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** "<what>: <the engine's sentence for the cause>". */
export function failed(what: string, cause: unknown, actions?: CommandAction[]): CommandError {
  return new CommandError(what, { cause, describeCause: true, actions });
}

export interface ErrorReporting {
  /** The sentence for an engine failure, by the active engine's rules. */
  describe(err: unknown): string;
  log: vscode.LogOutputChannel;
}

/** The sentence and details for anything a command threw. */
export function explain(err: unknown, describe: (err: unknown) => string): { sentence: string; details: string; actions: CommandAction[] } {
  if (err instanceof CommandError) {
    const cause = err.options.cause;
    return {
      sentence:
        err.options.describeCause && cause !== undefined
          ? vscode.l10n.t({ message: '{0}: {1}', args: [err.message, describe(cause)], comment: ['{0} is what failed ("web could not be stopped"), {1} the engine\'s sentence for why'] })
          : err.message,
      details: cause !== undefined ? engineMessage(cause) : err.message,
      actions: err.options.actions ?? [],
    };
  }
  if (err instanceof ArchiveError) {
    return { sentence: vscode.l10n.t('The archive could not be read: {0}.', err.message), details: err.message, actions: [] };
  }
  return { sentence: describe(err), details: engineMessage(err), actions: [] };
}

export async function reportFailure(err: unknown, reporting: ErrorReporting): Promise<void> {
  const { sentence, details, actions } = explain(err, reporting.describe);
  reporting.log.error(`${sentence}${details && details !== sentence ? ` (${details})` : ''}`);
  const showDetails = vscode.l10n.t('Show Details');
  const choice = await vscode.window.showErrorMessage(sentence, ...actions.map((a) => a.title), showDetails);
  if (choice === showDetails) {
    await vscode.window.showErrorMessage(sentence, { modal: true, detail: details });
    return;
  }
  await actions.find((a) => a.title === choice)?.run();
}

/** registerCommand with the one error path; returns what the command returns (undefined when it failed). */
export function commandRegistrar(reporting: ErrorReporting) {
  return (id: string, fn: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        void reportFailure(err, reporting);
        return undefined;
      }
    });
}
