import * as vscode from 'vscode';
import { DOCKER_HUB, type KnownRegistry } from '../../model/registries';
import { Disposable } from '../../shared/lifecycle';
import type { RegistryClient } from '../../sources/registry/registryClient';
import { RegistryError } from '../../sources/registry/registryError';
import { type TagFacts, readTagFacts } from '../../sources/tagFacts';
import { MessageNode } from '../messageNode';
import { PagedNames } from './pagedNames';
import { CatalogUnavailableNode, LoadMoreNode, RegistryNode, RegistryRepositoryNode, RegistryTagNode, tagTooltip } from './registryNodes';

export type RegistriesTreeNode = RegistryNode | RegistryRepositoryNode | RegistryTagNode | CatalogUnavailableNode | LoadMoreNode | MessageNode;

/** What the view needs: which registries, their clients, and the platform a tooltip dates. */
export interface RegistriesViewDeps {
  /** The registries to list now (the docker CLI's logins and the strata.registries setting). */
  knownRegistries(): readonly KnownRegistry[];
  client(address: string): RegistryClient;
  /** The engine's platform: whose creation date a multi-platform tag's tooltip gives. */
  platform(): string | undefined;
}

/** A registry's sentence for a failure; anything else named with the registry. */
function sentence(err: unknown, address: string): string {
  if (err instanceof RegistryError) {
    return err.message;
  }
  return vscode.l10n.t('{0} answered what Strata cannot read: {1}', address, err instanceof Error ? err.message : String(err));
}

/**
 * Why a registry's catalog is not to be had, when the registry refused it rather than
 * failed (it needs a login, does not let you, or has none): then the repositories the
 * setting lists are shown instead. Undefined for a registry that cannot be reached.
 */
function catalogRefusal(err: unknown, address: string): { message: string; detail?: string } | undefined {
  if (!(err instanceof RegistryError)) {
    return undefined;
  }
  const p = err.problem;
  switch (p.code) {
    case 'needsLogin':
      return { message: err.message };
    case 'badCredentials':
      // A token service may refuse the catalog's scope to a login that reads repositories well.
      return { message: vscode.l10n.t('{0} does not list its repositories to you (its catalog refused your login): add the ones to show.', address), detail: err.message };
    case 'denied':
      return { message: vscode.l10n.t('{0} does not let you list its repositories: add the ones to show.', address), detail: err.message };
    case 'notFound':
      return { message: vscode.l10n.t('{0} does not list its repositories (it has no catalog): add the ones to show.', address), detail: err.message };
    case 'unexpected':
      return p.status >= 400 && p.status < 500 ? { message: vscode.l10n.t('{0} does not list its repositories (it has no catalog): add the ones to show.', address), detail: err.message } : undefined;
    default:
      return undefined;
  }
}

/**
 * The Registries view: the registries you use, their repositories (from the catalog where
 * the registry gives it, else from the setting) and tags, a page at a time. A registry that
 * fails says so in one node; nothing here shows a pop-up.
 */
export class RegistriesTreeProvider extends Disposable implements vscode.TreeDataProvider<RegistriesTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RegistriesTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** How many repositories or tags a node shows before Load more… (the tests page with fewer). */
  pageSize = 100;
  /** The nodes under each node, kept so that Load more… and a redraw keep what was expanded, paged and hovered. */
  private readonly kept = new WeakMap<RegistryNode | RegistryRepositoryNode, Map<string, RegistryRepositoryNode | RegistryTagNode>>();
  /** A later page that failed, said under what was shown before it. */
  private readonly failures = new WeakMap<RegistryNode | RegistryRepositoryNode, string>();

  constructor(private readonly deps: RegistriesViewDeps) {
    super();
  }

  refresh(node?: RegistriesTreeNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: RegistriesTreeNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: RegistriesTreeNode): Promise<RegistriesTreeNode[]> {
    if (!node) {
      return this.deps.knownRegistries().map((r) => new RegistryNode(r, this.pages((page, n) => this.catalogPage(r.address, page, n))));
    }
    if (node instanceof RegistryNode) {
      return this.repositories(node);
    }
    if (node instanceof RegistryRepositoryNode) {
      return this.tags(node);
    }
    return [];
  }

  /** A tag's tooltip, read from the registry when it is first hovered. */
  async resolveTreeItem(item: vscode.TreeItem, node: RegistriesTreeNode, token?: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node instanceof RegistryTagNode && item.tooltip === undefined) {
      const abort = new AbortController();
      const listener = token?.onCancellationRequested(() => abort.abort());
      try {
        item.tooltip = tagTooltip(await this.facts(node, abort.signal));
      } catch (err) {
        if (!abort.signal.aborted) {
          item.tooltip = sentence(err, node.address);
        }
      } finally {
        listener?.dispose();
      }
    }
    return item;
  }

  /** What the registry says of a tag (kept on the node: the tooltip is read once). */
  async facts(node: RegistryTagNode, signal?: AbortSignal): Promise<TagFacts> {
    node.facts ??= await readTagFacts(this.deps.client(node.address), node.repository, node.tag, this.deps.platform(), signal);
    return node.facts;
  }

  /** The next page under the node Load more… ends; a failure is said under what is shown. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = node.parent;
    const names = parent instanceof RegistryNode ? parent.catalog : parent.tags;
    try {
      await names.loadMore();
      this.failures.delete(parent);
    } catch (err) {
      this.failures.set(parent, sentence(err, parent.address));
    }
    this.changed.fire(parent);
  }

  private pages(fetch: (page: string | undefined, pageSize: number) => Promise<{ names: string[]; next?: string }>): PagedNames {
    return new PagedNames(fetch, () => this.pageSize);
  }

  private async catalogPage(address: string, page: string | undefined, pageSize: number): Promise<{ names: string[]; next?: string }> {
    const answer = await this.deps.client(address).catalog(page, pageSize);
    return { names: answer.repositories, next: answer.next };
  }

  private keptUnder(node: RegistryNode | RegistryRepositoryNode): Map<string, RegistryRepositoryNode | RegistryTagNode> {
    let kept = this.kept.get(node);
    if (!kept) {
      kept = new Map();
      this.kept.set(node, kept);
    }
    return kept;
  }

  private repositoryNodes(node: RegistryNode, repositories: string[]): RegistryRepositoryNode[] {
    const kept = this.keptUnder(node);
    return repositories.map((repository) => {
      let child = kept.get(repository) as RegistryRepositoryNode | undefined;
      if (!child) {
        const client = () => this.deps.client(node.address);
        child = new RegistryRepositoryNode(
          node.address,
          repository,
          this.pages(async (page, n) => {
            const answer = await client().tags(repository, page, n);
            return { names: answer.tags, next: answer.next };
          }),
        );
        kept.set(repository, child);
      }
      return child;
    });
  }

  private async repositories(node: RegistryNode): Promise<RegistriesTreeNode[]> {
    const { address, repositories: configured } = node.registry;
    if (address === DOCKER_HUB) {
      // Docker Hub has no catalog for anyone: not asked.
      return [new CatalogUnavailableNode(address, vscode.l10n.t('Docker Hub does not list its repositories: add the ones to show.')), ...this.repositoryNodes(node, configured)];
    }
    try {
      await node.catalog.first();
    } catch (err) {
      const refused = catalogRefusal(err, address);
      if (!refused) {
        return [new MessageNode(`${node.id}#`, sentence(err, address))];
      }
      return [new CatalogUnavailableNode(address, refused.message, refused.detail), ...this.repositoryNodes(node, configured)];
    }
    const listed = node.catalog.shown;
    // The setting's repositories the catalog has not listed (yet) come after its own.
    const extra = configured.filter((r) => !listed.includes(r));
    return [...this.repositoryNodes(node, [...listed, ...extra]), ...this.ending(node, node.catalog.more)];
  }

  private async tags(node: RegistryRepositoryNode): Promise<RegistriesTreeNode[]> {
    try {
      await node.tags.first();
    } catch (err) {
      return [new MessageNode(`${node.id}#`, sentence(err, node.address))];
    }
    const kept = this.keptUnder(node);
    const tags = node.tags.shown.map((tag) => {
      let child = kept.get(tag) as RegistryTagNode | undefined;
      if (!child) {
        child = new RegistryTagNode(node.address, node.repository, tag);
        kept.set(tag, child);
      }
      return child;
    });
    return [...tags, ...this.ending(node, node.tags.more)];
  }

  /** After a list: a later page's failure, and Load more… while the registry has more. */
  private ending(node: RegistryNode | RegistryRepositoryNode, more: boolean): RegistriesTreeNode[] {
    const failure = this.failures.get(node);
    return [...(failure ? [new MessageNode(`${node.id}#`, failure)] : []), ...(more ? [new LoadMoreNode(node)] : [])];
  }
}
