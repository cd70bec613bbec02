/**
 * Compare with Registry Version (a local image whose name is on a registry of the
 * Registries view): the registry's digest for the tag is asked; an image that has it
 * among its RepoDigests is the registry's (said so, nothing to compare); otherwise the
 * Compare panel, the local image (A) with the registry's (B), read from the registry.
 */
import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import { parseReference } from '../../model/reference';
import { ComparePanel, type ComparePanelDeps } from '../../panels/comparePanel';
import { referenceText } from '../../sources/imageSource';
import type { Registries } from '../../sources/openSource';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from '../images/pickImage';
import { CommandError, failed } from '../registerCommand';
import { registryFailed } from './registryFailure';
import { registryTitle } from './tagCommands';

export interface CompareWithRegistryDeps extends ComparePanelDeps {
  index: ImageIndex;
  registries: Registries;
}

/** Whether a RepoDigests entry (`NAME@sha256:…`) is `digest` under the same registry and repository. */
function holds(repoDigest: string, registry: string, repository: string, digest: string): boolean {
  const at = repoDigest.lastIndexOf('@');
  const named = parseReference(repoDigest.slice(0, at));
  return at > 0 && repoDigest.slice(at + 1) === digest && named.ok && named.reference.registry === registry && named.reference.repository === repository;
}

export async function compareWithRegistry(deps: CompareWithRegistryDeps, node?: ImageNode): Promise<ComparePanel | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to compare with its registry version'));
  if (!entry) {
    return undefined;
  }
  const parsed = parseReference(entry.reference);
  if (entry.dangling || !parsed.ok) {
    throw new CommandError(vscode.l10n.t('{0} has no name on a registry: tag it with the registry\'s name first (Tag…).', entry.reference));
  }
  const { registry, repository, tag = 'latest' } = parsed.reference;
  const remote = referenceText({ ...parsed.reference, tag });
  const [manifest, inspect] = await Promise.all([
    deps.registries
      .client(registry)
      .manifest(repository, tag)
      .catch((err: unknown) => {
        throw registryFailed(vscode.l10n.t('The registry\'s version of {0} could not be read', entry.reference), err);
      }),
    // RepoDigests as the engine has them now (a push since the view was drawn adds one).
    deps.engine.inspectImage(entry.image.id).catch((err: unknown) => {
      throw failed(vscode.l10n.t('{0} could not be inspected', entry.reference), err);
    }),
  ]);
  if ((inspect.RepoDigests ?? []).some((d) => holds(d, registry, repository, manifest.digest))) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is the registry\'s {1} (same digest {2}).', entry.reference, remote, manifest.digest));
    return undefined;
  }
  const source = `registry://${remote}`;
  return ComparePanel.show(deps, ComparePanel.stateOf({ id: entry.image.id, title: entry.reference }, { id: source, title: registryTitle(remote), source }));
}
