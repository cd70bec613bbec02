/**
 * What a tag in the Registries view offers: Show Layers (read straight from the registry),
 * Compare with… (a local image or another tag), Pull, Copy Reference and Copy Digest. They
 * are given the tag's node by the view's menu (hidden from the palette).
 */
import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import { toImageEntries } from '../../model/images';
import { ComparePanel, type ComparePanelDeps } from '../../panels/comparePanel';
import { LayersPanel, type LayersPanelDeps } from '../../panels/layersPanel';
import { formatAge, formatBytes, shortId } from '../../shared/format';
import type { Registries } from '../../sources/openSource';
import type { RegistryClient } from '../../sources/registry/registryClient';
import type { RegistryTagNode } from '../../views/registries/registryNodes';
import { CommandError } from '../registerCommand';
import { type RegistryDeps, pullImage } from './registryCommands';
import { registryFailed } from './registryFailure';

/** The registry's side of a comparison with a local image of the same name. */
export function registryTitle(reference: string): string {
  return vscode.l10n.t('{0} (registry)', reference);
}

/** At most this many of a repository's tags are offered to compare with (ten pages). */
const MAX_TAGS = 1000;

function tagOf(node: RegistryTagNode | undefined): RegistryTagNode {
  if (!node) {
    throw new CommandError(vscode.l10n.t('Choose a tag in the Registries view: this command acts on the tag it is given.'));
  }
  return node;
}

/** Show Layers: the tag's image in the Layers panel, read from the registry (no pull). */
export function showTagLayers(deps: LayersPanelDeps, node?: RegistryTagNode): LayersPanel {
  const tag = tagOf(node);
  return LayersPanel.show(deps, LayersPanel.stateOf(tag.source, 'registry', tag.reference));
}

/** Pull: docker pull HOST/REPO:TAG, as Pull Image… does it. */
export function pullTag(deps: RegistryDeps, node?: RegistryTagNode): Promise<string | undefined> {
  return pullImage(deps, tagOf(node).reference);
}

/** Copy Reference: HOST/REPO:TAG. */
export async function copyTagReference(node?: RegistryTagNode): Promise<string> {
  const reference = tagOf(node).reference;
  await vscode.env.clipboard.writeText(reference);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', reference), 3000);
  return reference;
}

/** Copy Digest: the digest the tag names now, asked of the registry (a tag moves). */
export async function copyTagDigest(deps: { registries: Registries }, node?: RegistryTagNode): Promise<string> {
  const tag = tagOf(node);
  const manifest = await deps.registries
    .client(tag.address)
    .manifest(tag.repository, tag.tag)
    .catch((err: unknown) => {
      throw registryFailed(vscode.l10n.t('The digest of {0} could not be read', tag.reference), err);
    });
  await vscode.env.clipboard.writeText(manifest.digest);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', manifest.digest), 3000);
  return manifest.digest;
}

/** A repository's tags, page after page, up to `limit`. */
async function repositoryTags(client: RegistryClient, repository: string, limit = MAX_TAGS): Promise<string[]> {
  const tags: string[] = [];
  let next: string | undefined;
  do {
    const page = await client.tags(repository, next);
    tags.push(...page.tags);
    next = page.next;
  } while (next && tags.length < limit);
  return tags.slice(0, limit);
}

export interface CompareTagDeps extends ComparePanelDeps {
  index: ImageIndex;
  registries: Registries;
}

interface Pick extends vscode.QuickPickItem {
  side?: { id: string; title: string; source?: string };
}

/** Compare with…: this tag (A) with a local image or another tag of the repository (B), picked. */
export async function compareTagWith(deps: CompareTagDeps, node?: RegistryTagNode): Promise<ComparePanel | undefined> {
  const tag = tagOf(node);
  // The engine's images when it answers; the registry's tags, or the registry's sentence.
  const [local, tags] = await Promise.all([
    deps.index.list().then(
      (images) => toImageEntries(images, { showDangling: true }),
      () => [],
    ),
    repositoryTags(deps.registries.client(tag.address), tag.repository).catch((err: unknown) => {
      throw registryFailed(vscode.l10n.t('The tags of {0}/{1} could not be listed', tag.address, tag.repository), err);
    }),
  ]);
  const others = tags.filter((t) => t !== tag.tag);
  if (local.length === 0 && others.length === 0) {
    throw new CommandError(vscode.l10n.t('There is nothing to compare {0} with: the engine has no images and the repository no other tag.', tag.reference));
  }
  const items: Pick[] = [];
  if (local.length) {
    items.push({ label: vscode.l10n.t('Local images'), kind: vscode.QuickPickItemKind.Separator });
    for (const entry of local) {
      items.push({
        label: entry.reference,
        description: `${formatBytes(entry.image.size)} · ${formatAge(entry.image.created)}`,
        detail: shortId(entry.image.id),
        side: { id: entry.image.id, title: entry.reference },
      });
    }
  }
  if (others.length) {
    items.push({ label: vscode.l10n.t('Tags of {0}/{1}', tag.address, tag.repository), kind: vscode.QuickPickItemKind.Separator });
    for (const other of others) {
      const reference = `${tag.address}/${tag.repository}:${other}`;
      items.push({ label: reference, description: vscode.l10n.t('in the registry'), side: { id: `registry://${reference}`, title: reference, source: `registry://${reference}` } });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Compare {0} with…', tag.reference), matchOnDescription: true, matchOnDetail: true });
  if (!picked?.side) {
    return undefined;
  }
  // A local image of the same name: the registry's side says which it is.
  const title = picked.side.title === tag.reference ? registryTitle(tag.reference) : tag.reference;
  return ComparePanel.show(deps, ComparePanel.stateOf({ id: tag.source, title, source: tag.source }, picked.side));
}
