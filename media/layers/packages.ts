/**
 * Packages: what the selected layer installed, upgraded and removed (from the package
 * databases it wrote), then everything installed in the image, largest first. Drawn
 * again only when what it shows changes. Names and versions come from the image: text only.
 */
import type { PackageView, PackagesView } from '../../src/protocol/layersProtocol';
import { el } from '../shared/dom';
import { bytes } from '../shared/format';
import type { UiState } from './state';

/** The whole image's list stops here (an image can install thousands of npm packages). */
const SHOWN = 200;

function packageList(items: Array<PackageView & { from?: string }>, kind: string): HTMLElement {
  const list = el('ol', `package-list ${kind}`);
  for (const p of items) {
    const li = el('li', 'package');
    const version = p.from !== undefined ? `${p.from} → ${p.version}` : p.version;
    li.append(el('span', 'package-size', p.size !== undefined ? bytes(p.size) : ''), el('span', 'package-name', p.name), el('span', 'package-version', version), el('span', 'package-ecosystem', p.ecosystem));
    list.append(li);
  }
  return list;
}

function total(items: PackageView[]): number {
  return items.reduce((sum, p) => sum + (p.size ?? 0), 0);
}

export class Packages {
  readonly element = el('section', 'packages');
  private readonly layer = el('div', 'packages-layer');
  private readonly image = el('div', 'packages-image');
  private drawn = '';

  constructor() {
    this.element.append(el('h2', undefined, 'Packages'), this.layer, this.image);
  }

  show(state: UiState): void {
    const packages = state.analysis?.packages;
    const selected = state.place.selected;
    const drawn = packages ? `${selected}:${packages.installed.length}:${state.analysis?.sizeBytes}` : state.error ? 'error' : 'waiting';
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    if (!packages) {
      this.layer.replaceChildren(el('p', 'hint', state.error ? 'Not available.' : 'Analysing the image…'));
      this.image.replaceChildren();
      return;
    }
    this.showLayer(packages, selected);
    this.showImage(packages);
  }

  private showLayer(packages: PackagesView, selected: number | undefined): void {
    const layer = selected === undefined ? undefined : packages.layers[selected];
    if (!layer) {
      this.layer.replaceChildren(el('p', 'hint', 'Select a layer to see the packages it installed.'));
      return;
    }
    const parts: HTMLElement[] = [el('h3', undefined, `Layer ${(selected ?? 0) + 1}`)];
    for (const problem of layer.problems) {
      parts.push(el('p', 'package-problem', problem));
    }
    const { added, upgraded, removed } = layer;
    if (!added.length && !upgraded.length && !removed.length) {
      parts.push(el('p', 'hint', 'This layer installed, upgraded and removed no packages.'));
    }
    const group = (items: Array<PackageView & { from?: string }>, title: string, kind: string) => {
      if (items.length) {
        parts.push(el('h4', undefined, `${title}: ${items.length}${total(items) ? `, ${bytes(total(items))}` : ''}`), packageList(items, kind));
      }
    };
    group(added, 'Added', 'added');
    group(upgraded, 'Upgraded', 'upgraded');
    group(removed, 'Removed', 'removed');
    this.layer.replaceChildren(...parts);
  }

  private showImage(packages: PackagesView): void {
    const all = packages.installed;
    if (!all.length) {
      this.image.replaceChildren(el('p', 'hint', 'No package database found in this image (dpkg, apk, rpm, npm, Python).'));
      return;
    }
    const parts: HTMLElement[] = [el('h3', undefined, `Installed in the image: ${all.length}, ${bytes(total(all))}`), packageList(all.slice(0, SHOWN), 'installed')];
    if (all.length > SHOWN) {
      parts.push(el('p', 'hint', `and ${all.length - SHOWN} smaller ones.`));
    }
    this.image.replaceChildren(...parts);
  }
}
