import * as vscode from 'vscode';
import { attributeLayers, type BuiltOn } from '../../model/baseImages';
import type { ImageIndex } from '../../engine/imageIndex';
import { groupByRepository, type SortBy } from '../../model/images';
import { type KnownRegistry, registryOf } from '../../model/registries';
import { Disposable } from '../../shared/lifecycle';
import { BaseGroupNode } from './baseGroupNode';
import type { EngineStatus } from '../engines/engineStatus';
import { ImageNode } from './imageNode';
import { LayerNode } from './layerNode';
import { ManifestNode, PlatformsNode } from './manifestNode';
import { MessageNode } from '../messageNode';
import { shownManifest } from '../../model/imageSizes';
import type { PreviousBuildFinder } from '../../model/previousBuild';
import { RepositoryNode } from './repositoryNode';
import type { LayerPackages } from '../../model/packages';

export type ImagesTreeNode = RepositoryNode | ImageNode | BaseGroupNode | LayerNode | MessageNode | PlatformsNode | ManifestNode;

/** The settings the view reads each time it draws (so changes apply on refresh). */
export interface ImagesViewSettings {
  showDangling(): boolean;
  sortBy(): SortBy;
  showMetadataSteps(): boolean;
  /** Layer sizes (by diff id) from the image's analysis, when it has been analysed: the one source then. */
  analysedLayerSizes(imageId: string): Map<string, number> | undefined;
  /** What each layer (by diff id) did to the installed packages, when the image has been analysed. */
  analysedLayerPackages?(imageId: string): Map<string, LayerPackages> | undefined;
  /** The Registries view's registries: an image named on one of them can be compared with the registry's. */
  registries?(): readonly KnownRegistry[];
}

/** The Images view: repositories, their images, each image's layer stack from base to app. */
export class ImagesTreeProvider extends Disposable implements vscode.TreeDataProvider<ImagesTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ImagesTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly index: ImageIndex,
    private readonly status: EngineStatus,
    private readonly settings: ImagesViewSettings,
    /** Which images have a previous build (Compare with Previous Build); worked out in the background. */
    private readonly previousBuilds?: PreviousBuildFinder,
  ) {
    super();
  }

  refresh(node?: ImagesTreeNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ImagesTreeNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: ImagesTreeNode): Promise<ImagesTreeNode[]> {
    if (!node) {
      return this.repositories();
    }
    if (node instanceof RepositoryNode) {
      return this.images(node);
    }
    if (node instanceof ImageNode) {
      return this.layers(node);
    }
    if (node instanceof BaseGroupNode) {
      return node.layers;
    }
    if (node instanceof PlatformsNode) {
      return node.manifests;
    }
    return [];
  }

  private async repositories(): Promise<RepositoryNode[]> {
    try {
      const images = await this.index.list();
      this.status.reportSuccess();
      // Every image inspected in the background: what "built on" and base groups need.
      void this.index.warm().catch(() => undefined);
      return groupByRepository(images, {
        showDangling: this.settings.showDangling(),
        sortBy: this.settings.sortBy(),
      }).map((g) => new RepositoryNode(g));
    } catch (err) {
      // An empty tree lets the welcome content for this problem show instead.
      this.status.reportFailure(err);
      return [];
    }
  }

  /** Draws `node` again when the background inspection is done (it was drawn without it). */
  private whenWarm(node: ImagesTreeNode): void {
    void this.index.warm().then(
      () => this.changed.fire(node),
      () => undefined,
    );
  }

  private async images(node: RepositoryNode): Promise<ImagesTreeNode[]> {
    const now = new Date();
    // Not waiting for every image to be inspected: "built on" is added when that is done.
    const all = this.index.isWarm ? await this.index.warm().catch(() => this.index.knownLayers()) : this.index.knownLayers();
    if (!this.index.isWarm) {
      this.whenWarm(node);
    }
    const byId = new Map(all.map((l) => [l.id, l]));
    const previous = await this.knownPreviousBuilds(node);
    const registries = this.settings.registries?.() ?? [];
    return node.group.entries.map((entry) => {
      const layers = byId.get(entry.image.id);
      const builtOn: BuiltOn | undefined = layers ? attributeLayers(layers, all).builtOn : undefined;
      const onRegistry = !entry.dangling && registryOf(entry.reference, registries) !== undefined;
      return new ImageNode(entry, builtOn, now, this.index.platform, entry.dangling ? undefined : previous?.get(entry.image.id), onRegistry);
    });
  }

  /**
   * The previous builds known for the current list; when they are not known yet, they are
   * worked out in the background and `node` is drawn again when they are.
   */
  private async knownPreviousBuilds(node: RepositoryNode): Promise<Map<string, string> | undefined> {
    const finder = this.previousBuilds;
    if (!finder) {
      return undefined;
    }
    const known = finder.known(await this.index.current());
    if (!known) {
      void finder.find().then(
        (found) => found.size > 0 && node.group.entries.some((e) => found.has(e.image.id)) && this.changed.fire(node),
        () => undefined,
      );
    }
    return known;
  }

  private async layers(node: ImageNode): Promise<ImagesTreeNode[]> {
    const parentId = node.id ?? node.imageId;
    let stack;
    try {
      // The layers at once (inspect + history); base groups once every image is inspected.
      stack = await this.index.layerStack(node.imageId, { waitForBases: false });
    } catch (err) {
      return [new MessageNode(parentId, this.index.engine.describeError(err).message)];
    }
    if (!stack.complete) {
      this.whenWarm(node);
    }
    const now = new Date();
    const showMetadata = this.settings.showMetadataSteps();
    const analysed = this.settings.analysedLayerSizes(node.imageId);
    const packages = this.settings.analysedLayerPackages?.(node.imageId);
    const children: ImagesTreeNode[] = [];
    const manifests = node.entry.image.manifests ?? [];
    if (manifests.filter((m) => m.kind === 'image').length > 1 || manifests.some((m) => m.kind === 'attestation')) {
      const shown = shownManifest(node.entry.image, this.index.platform);
      const platformOf = (digest: string) => manifests.find((m) => m.id === digest)?.platform;
      children.push(new PlatformsNode(parentId, manifests.map((m) => new ManifestNode(parentId, m, m === shown, platformOf))));
    }
    if (!stack.exact) {
      children.push(new MessageNode(parentId, vscode.l10n.t('The build history does not match the layers exactly; steps are shown as well as they fit.')));
    }
    for (const group of stack.groups) {
      const layerNodes = group.steps
        .filter((s) => showMetadata || s.diffId !== undefined)
        .map((s) => new LayerNode(parentId, s, now, s.diffId !== undefined ? analysed?.get(s.diffId) : undefined, s.diffId !== undefined ? packages?.get(s.diffId) : undefined));
      if (group.base) {
        children.push(new BaseGroupNode(parentId, group, layerNodes));
      } else {
        children.push(...layerNodes);
      }
    }
    return children;
  }
}
