/**
 * Wasted space: paths written by more than one layer, largest first. Choosing one
 * highlights the layers that wrote it and filters the tree to it. Drawn again only when
 * the list itself changes.
 */
import type { WastedPathView } from '../../src/protocol/layersProtocol';
import { el } from '../shared/dom';
import { bytes } from '../shared/format';
import type { UiState } from './state';

export interface WastedActions {
  showWasted(path: WastedPathView): void;
}

export class WastedSpace {
  readonly element = el('section', 'wasted');
  private readonly body = el('div', 'wasted-body');
  private drawn = '';

  constructor(private readonly actions: WastedActions) {
    this.element.append(el('h2', undefined, 'Wasted space'), this.body);
  }

  show(state: UiState): void {
    const a = state.analysis;
    const drawn = a ? JSON.stringify(a.wastedPaths) : state.error ? 'error' : 'waiting';
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    if (!a) {
      this.body.replaceChildren(el('p', 'hint', state.error ? 'Not available.' : 'Analysing the image…'));
      return;
    }
    if (a.wastedPaths.length === 0) {
      this.body.replaceChildren(el('p', 'hint', 'No path is written by more than one layer.'));
      return;
    }
    const list = el('ol', 'wasted-list');
    for (const p of a.wastedPaths) {
      const li = el('li');
      const b = el('button', 'wasted-path');
      b.append(el('span', 'wasted-size', bytes(p.size)), el('span', 'wasted-count', `${p.count}×`), el('span', 'wasted-name', p.path));
      b.title = `Touched by layers ${p.layers.map((l) => l + 1).join(', ')}: select to see them`;
      b.addEventListener('click', () => this.actions.showWasted(p));
      li.append(b);
      list.append(li);
    }
    this.body.replaceChildren(list);
  }
}
