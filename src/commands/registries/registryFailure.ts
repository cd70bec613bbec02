import * as vscode from 'vscode';
import { RegistryError } from '../../sources/registry/registryError';
import { CommandError } from '../registerCommand';

/**
 * "<what>: <the registry's sentence>". A registry's failure is not the engine's: through
 * `failed` it would read "The Docker Engine at … answered: …".
 */
export function registryFailed(what: string, err: unknown): CommandError {
  const why = err instanceof RegistryError ? err.message : err instanceof Error ? err.message : String(err);
  return new CommandError(vscode.l10n.t({ message: '{0}: {1}', args: [what, why], comment: ['{0} is what failed ("The digest of … could not be read"), {1} the registry\'s sentence for why'] }), { cause: err });
}
