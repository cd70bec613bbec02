/**
 * Every command of package.json, registered through the one error path
 * (registerCommand.ts). A command from a menu is given its node; from the palette it asks.
 */
import type * as vscode from 'vscode';
import type { Workbench } from './workbench';
import type { ContainerFileNode } from '../views/containers/containerFiles';
import type { ContainerNode } from '../views/containers/containerNode';
import type { ImageNode } from '../views/images/imageNode';
import type { LoadMoreNode, RegistryTagNode } from '../views/registries/registryNodes';
import { changeContainerState } from '../commands/containers/containerLifecycle';
import { copyContainerId } from '../commands/containers/copyContainerId';
import { attachShell, downloadContainerPath, openContainerFile, runInteractive } from '../commands/containers/insideContainers';
import { inspectContainer } from '../commands/containers/inspectContainer';
import { openInBrowser } from '../commands/containers/openInBrowser';
import { removeContainer } from '../commands/containers/removeContainer';
import { showContainerLogs } from '../commands/containers/showContainerLogs';
import { showEngineError } from '../commands/engines/showEngineError';
import { switchEngine } from '../commands/engines/switchEngine';
import { copyFullTag } from '../commands/images/copyFullTag';
import { copyImageId } from '../commands/images/copyImageId';
import { inspectImage } from '../commands/images/inspectImage';
import { removeImage } from '../commands/images/removeImage';
import { analyzeArchive } from '../commands/layers/analyzeArchive';
import { compareImages, compareWith, compareWithPrevious, compareWithSelected, selectForCompare } from '../commands/layers/compareImages';
import { showLayerOf, showLayers } from '../commands/layers/showLayers';
import { compareImagesFile, compareWithPreviousVersion, openLayerFile } from '../commands/layers/openLayerFile';
import { commandRegistrar } from '../commands/registerCommand';
import { compareWithRegistry } from '../commands/registries/compareWithRegistry';
import { prune, pullImage, pushImage, tagImage } from '../commands/registries/registryCommands';
import { addRegistry, addRepository } from '../commands/registries/registryList';
import { compareTagWith, copyTagDigest, copyTagReference, pullTag, showTagLayers } from '../commands/registries/tagCommands';
import { runImage } from '../commands/run/runImage';
import { runAgain, runImageWithOptions } from '../commands/run/runImageWithOptions';

export function registerCommands(w: Workbench): void {
  const command = commandRegistrar(w.reporting);
  // Clients anew too: their tokens, and the scheme each registry was found to speak.
  const refreshRegistries = () => {
    w.registries.reset();
    w.registriesTree.refresh();
  };
  const container = (action: 'start' | 'stop' | 'restart') => (node?: ContainerNode) => changeContainerState(w.engine, action, node);
  const commands: Array<[string, (...args: never[]) => unknown]> = [
    ['strata.refresh', () => w.refreshViews()],
    ['strata.showEngineError', () => showEngineError(w.status, () => w.refreshViews())],
    ['strata.switchEngine', () => switchEngine(w.selection)],
    // Images.
    ['strata.image.copyFullTag', (node?: ImageNode) => copyFullTag(w.index, node)],
    ['strata.image.copyId', (node?: ImageNode) => copyImageId(w.index, node)],
    ['strata.image.inspect', (node?: ImageNode) => inspectImage(w.index, node)],
    ['strata.image.remove', (node?: ImageNode) => removeImage(w, node)],
    // Running: the palette's "Run Image…" asks which image; the tree's "Run" is given it.
    ['strata.runImage', () => runImage(w)],
    ['strata.image.run', (node?: ImageNode) => runImage(w, node)],
    ['strata.runImageWithOptions', () => runImageWithOptions(w)],
    ['strata.image.runWithOptions', (node?: ImageNode) => runImageWithOptions(w, node)],
    ['strata.image.runAgain', (node?: ImageNode) => runAgain(w, node)],
    ['strata.image.runInteractive', (node?: ImageNode) => runInteractive(w, node)],
    // Layers and Compare panels.
    ['strata.showLayers', () => showLayers(w)],
    ['strata.image.showLayers', (node?: ImageNode) => showLayers(w, node)],
    ['strata.dockerfile.showLayer', (imageId: string, title: string, layer?: number) => showLayerOf(w, imageId, title, layer)],
    ['strata.analyzeArchive', (uri?: vscode.Uri) => analyzeArchive(w, uri)],
    ['strata.compareImages', () => compareImages(w)],
    ['strata.image.selectForCompare', (node?: ImageNode) => selectForCompare(w, node)],
    ['strata.image.compareWithSelected', (node?: ImageNode) => compareWithSelected(w, node)],
    ['strata.image.compareWith', (node?: ImageNode) => compareWith(w, node)],
    ['strata.image.compareWithPrevious', (node?: ImageNode) => compareWithPrevious(w, node)],
    // A file of a layer (the Layers panel's file tree and its context menu).
    ['strata.layerFile.open', (target?: unknown) => openLayerFile(w, target)],
    ['strata.layerFile.compareWithPrevious', (target?: unknown) => compareWithPreviousVersion(w, target)],
    ['strata.layerFile.compareImages', (target?: unknown) => compareImagesFile(w, target)],
    // Containers.
    ['strata.container.start', container('start')],
    ['strata.container.stop', container('stop')],
    ['strata.container.restart', container('restart')],
    ['strata.container.remove', (node?: ContainerNode) => removeContainer(w.engine, node)],
    ['strata.container.showLogs', (node?: ContainerNode) => showContainerLogs(w.logs, node)],
    ['strata.container.copyId', (node?: ContainerNode) => copyContainerId(node)],
    ['strata.container.openInBrowser', (node?: ContainerNode) => openInBrowser(node)],
    ['strata.container.inspect', (node?: ContainerNode) => inspectContainer(node)],
    ['strata.attachShell', () => attachShell(w)],
    ['strata.container.attachShell', (node?: ContainerNode) => attachShell(w, node)],
    ['strata.containerFile.open', (node?: ContainerFileNode) => openContainerFile(w, node)],
    ['strata.containerFile.download', (node?: ContainerFileNode) => downloadContainerPath(w, node)],
    // Registries.
    ['strata.pullImage', (reference?: string) => pullImage(w, typeof reference === 'string' ? reference : undefined)],
    ['strata.image.tag', (node?: ImageNode) => tagImage(w, node)],
    ['strata.image.push', (node?: ImageNode) => pushImage(w, node)],
    ['strata.prune', () => prune(w)],
    ['strata.image.compareWithRegistry', (node?: ImageNode) => compareWithRegistry(w, node)],
    // The Registries view.
    ['strata.registries.refresh', () => refreshRegistries()],
    ['strata.registries.add', () => addRegistry(w)],
    ['strata.registries.loadMore', (node?: LoadMoreNode) => node && w.registriesTree.loadMore(node)],
    ['strata.registry.addRepository', (node?: { address: string }) => addRepository(w, node)],
    ['strata.registryTag.showLayers', (node?: RegistryTagNode) => showTagLayers(w, node)],
    ['strata.registryTag.compareWith', (node?: RegistryTagNode) => compareTagWith(w, node)],
    ['strata.registryTag.pull', (node?: RegistryTagNode) => pullTag(w, node)],
    ['strata.registryTag.copyReference', (node?: RegistryTagNode) => copyTagReference(node)],
    ['strata.registryTag.copyDigest', (node?: RegistryTagNode) => copyTagDigest(w, node)],
  ];
  w.context.subscriptions.push(...commands.map(([id, fn]) => command(id, fn)));
}
