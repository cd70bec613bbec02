import * as vscode from 'vscode';
import type { KnownRegistry } from '../../model/registries';
import { SIZE_NAMES } from '../../model/imageSizes';
import { formatBytes } from '../../shared/format';
import type { TagFacts } from '../../sources/tagFacts';
import type { PagedNames } from './pagedNames';

const bytes = (n: number) => vscode.l10n.t('{0} ({1} bytes)', formatBytes(n), n.toLocaleString('en-US'));

/** A registry: its repositories from its catalog, or the ones the setting lists. */
export class RegistryNode extends vscode.TreeItem {
  constructor(
    readonly registry: KnownRegistry,
    /** The catalog as far as it is loaded (Load more… asks the next page). */
    readonly catalog: PagedNames,
  ) {
    super(registry.address, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `registry:${registry.address}`;
    this.contextValue = 'registry';
    this.iconPath = new vscode.ThemeIcon('cloud');
    const from = [registry.loggedIn ? vscode.l10n.t('logged in') : undefined, registry.configured ? vscode.l10n.t('in settings') : undefined].filter(Boolean);
    this.description = from.join(' · ');
    this.tooltip = registry.loggedIn
      ? vscode.l10n.t('{0}: you logged in to it (docker login); the docker CLI\'s credentials are used.', registry.address)
      : vscode.l10n.t('{0}: listed in the strata.registries setting.', registry.address);
  }

  get address(): string {
    return this.registry.address;
  }
}

/** A repository of a registry; its tags in the registry's order (the registry says nothing of their age). */
export class RegistryRepositoryNode extends vscode.TreeItem {
  constructor(
    readonly address: string,
    readonly repository: string,
    readonly tags: PagedNames,
  ) {
    super(repository, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `registry:${address}/${repository}`;
    this.contextValue = 'registryRepository';
    this.iconPath = new vscode.ThemeIcon('repo');
    this.tooltip = `${address}/${repository}`;
  }
}

/**
 * A tag; its tooltip (digest, platforms, sizes, creation) is read from the registry when
 * it is first hovered (RegistriesTreeProvider.resolveTreeItem), and kept.
 */
export class RegistryTagNode extends vscode.TreeItem {
  /** What the registry said of the tag, once asked (the tooltip, Copy Digest). */
  facts: TagFacts | undefined;

  constructor(
    readonly address: string,
    readonly repository: string,
    readonly tag: string,
  ) {
    super(tag, vscode.TreeItemCollapsibleState.None);
    this.id = `registry:${this.reference}`;
    this.contextValue = 'registryTag';
    this.iconPath = new vscode.ThemeIcon('tag');
  }

  /** HOST/REPO:TAG, as docker pull takes it. */
  get reference(): string {
    return `${this.address}/${this.repository}:${this.tag}`;
  }

  /** The source the Layers and Compare panels read it from. */
  get source(): string {
    return `registry://${this.reference}`;
  }
}

/** The tooltip of a tag, from what the registry said of it. */
export function tagTooltip(facts: TagFacts): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  const line = (text: string) => {
    tooltip.appendText(text);
    tooltip.appendMarkdown('  \n');
  };
  tooltip.appendText(facts.reference);
  tooltip.appendMarkdown('\n\n');
  line(vscode.l10n.t('Digest: {0}', facts.digest));
  if (facts.index) {
    line(vscode.l10n.t('Platforms: {0}', facts.platforms.map((p) => p.platform).join(', ') || vscode.l10n.t('none')));
    for (const p of facts.platforms) {
      line(vscode.l10n.t('Size {0}: {1}, for {2}', SIZE_NAMES.content, bytes(p.compressedSize), p.platform));
    }
    if (facts.attestations) {
      line(vscode.l10n.t('Attestation manifests (provenance, SBOM): {0}, not layers', facts.attestations));
    }
  } else {
    const [only] = facts.platforms;
    line(vscode.l10n.t('Platform: {0}', only.platform));
    line(vscode.l10n.t('Size {0}: {1}', SIZE_NAMES.content, bytes(only.compressedSize)));
  }
  if (facts.created) {
    const created = new Date(facts.created).toLocaleString();
    line(facts.index && facts.createdPlatform ? vscode.l10n.t('Created: {0}, for {1}', created, facts.createdPlatform) : vscode.l10n.t('Created: {0}', created));
  }
  return tooltip;
}

/**
 * A registry that does not list its repositories to you (no catalog, or not without a
 * login): says why, and adds a repository to the setting when clicked.
 */
export class CatalogUnavailableNode extends vscode.TreeItem {
  constructor(
    readonly address: string,
    message: string,
    /** The registry's own sentence, when it refused (shown in the tooltip). */
    detail?: string,
  ) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.id = `registry-catalog:${address}`;
    this.contextValue = 'registryCatalogUnavailable';
    this.iconPath = new vscode.ThemeIcon('info');
    this.description = vscode.l10n.t('Add Repository…');
    this.tooltip = [detail && detail !== message ? detail : undefined, vscode.l10n.t('Add Repository… lists a repository of {0} here (in the strata.registries setting).', address)]
      .filter(Boolean)
      .join('\n\n');
    this.command = { command: 'strata.registry.addRepository', title: vscode.l10n.t('Add Repository…'), arguments: [this] };
  }
}

/** The last node of a list the registry has more of: the next page when clicked. */
export class LoadMoreNode extends vscode.TreeItem {
  constructor(readonly parent: RegistryNode | RegistryRepositoryNode) {
    super(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    // '#' is in no repository or tag name: no id of theirs can be this.
    this.id = `${parent.id}#more`;
    this.contextValue = 'loadMore';
    this.iconPath = new vscode.ThemeIcon('ellipsis');
    this.command = { command: 'strata.registries.loadMore', title: vscode.l10n.t('Load more…'), arguments: [this] };
  }
}
