/**
 * The two images drawn as stacks side by side, base at the bottom: the layers both share
 * (same diff id from the base up) as ONE band across both columns, then each image's own
 * layers in its column. Drawn when the steps arrive; the analysis then only sets sizes.
 */
import type { SideView, StepView } from '../../src/protocol/compareProtocol';
import { el, icon, setText } from '../shared/dom';
import { bytes } from '../shared/format';
import { type BlockScale, blockLine, setBlockHeight, stepMarker } from '../shared/stackParts';
import type { UiState } from './state';

/** Smaller than the Layers panel's blocks: two stacks share the width. */
const SCALE: BlockScale = { base: 30, growth: 60, perDoubling: 6 };

interface Block {
  element: HTMLElement;
  meta: HTMLElement;
  step: StepView;
}

const sameStep = (x: StepView, y: StepView) => x.createdBy === y.createdBy && x.created === y.created;

/**
 * Where each image's own steps begin: after the last shared layer and the metadata steps
 * both histories have, word for word and at the same time, right after it (the base's
 * CMD, say). Everything below is the shared band.
 */
function ownFrom(a: SideView, b: SideView, shared: number): [number, number] {
  if (shared === 0) {
    return [0, 0];
  }
  let i = a.steps.findIndex((s) => s.layerIndex === shared - 1) + 1;
  let j = b.steps.findIndex((s) => s.layerIndex === shared - 1) + 1;
  while (i < a.steps.length && j < b.steps.length && a.steps[i].layerIndex === undefined && b.steps[j].layerIndex === undefined && sameStep(a.steps[i], b.steps[j])) {
    i++;
    j++;
  }
  return [i, j];
}

export class Stacks {
  readonly element = el('section', 'compare-stacks');
  private readonly body = el('div', 'compare-grid');
  /** Blocks by side and layer index; a shared block is under both sides. */
  private readonly blocks = { a: new Map<number, Block>(), b: new Map<number, Block>() };
  private drawn = '';

  constructor() {
    this.element.setAttribute('aria-label', 'Both images as stacks, base at the bottom');
    this.element.append(this.body);
  }

  /** Draws both stacks; the same steps and band again leave them alone. */
  draw(state: UiState): void {
    const { a, b } = state;
    if (!a || !b) {
      return;
    }
    const shared = state.sharedLayers;
    const drawn = JSON.stringify([a.steps, b.steps, shared]);
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    this.blocks.a.clear();
    this.blocks.b.clear();

    const [fromA, fromB] = ownFrom(a, b, shared);
    const column = (side: 'a' | 'b', view: SideView, from: number) => {
      const col = el('div', `compare-column column-${side}`);
      const own = view.steps.slice(from);
      const layers = own.filter((s) => s.layerIndex !== undefined).length;
      col.append(el('div', 'group-label', `only in ${side.toUpperCase()}: ${layers} layer${layers === 1 ? '' : 's'}`));
      const steps = el('div', 'steps');
      steps.append(...own.map((s) => (s.layerIndex === undefined ? stepMarker(s) : this.block(s, [side]))));
      if (layers === 0) {
        steps.append(el('p', 'hint', 'No layer of its own: every layer is in the shared band.'));
      }
      col.append(steps);
      return col;
    };

    const band = el('div', 'shared-band');
    band.setAttribute('aria-label', `Shared by both: the ${shared} bottom layer${shared === 1 ? '' : 's'}`);
    const bandLabel = el('div', 'group-label shared-label');
    bandLabel.append(icon('link'), el('span', undefined, shared ? `shared by A and B: the ${shared} bottom layer${shared === 1 ? '' : 's'} (same diff id)` : 'no layer in common'));
    const bandSteps = el('div', 'steps');
    bandSteps.append(...a.steps.slice(0, fromA).map((s) => (s.layerIndex === undefined ? stepMarker(s) : this.block(s, ['a', 'b']))));
    band.append(bandLabel, bandSteps);

    const heads = el('div', 'compare-heads');
    heads.append(el('div', 'stack-top', 'A · application'), el('div', 'stack-top', 'B · application'));
    const columns = el('div', 'compare-columns');
    columns.append(column('a', a, fromA), column('b', b, fromB));
    this.body.replaceChildren(heads, columns, band, el('div', 'stack-bottom', 'base'));
  }

  /** Each block's height and size: the analysis's figures once there are some. */
  showSizes(state: UiState): void {
    for (const side of ['a', 'b'] as const) {
      const sizes = state.comparison?.layerSizes[side];
      for (const [index, { element, meta, step }] of this.blocks[side]) {
        const size = sizes?.[index] ?? step.size;
        setBlockHeight(element, size, SCALE);
        setText(meta, bytes(size));
      }
    }
  }

  private block(step: StepView, sides: Array<'a' | 'b'>): HTMLElement {
    const index = step.layerIndex as number;
    const block = el('div', `block compare-block${sides.length === 2 ? ' shared' : ''}`);
    block.dataset.layer = String(index);
    block.title = `${step.createdBy || step.text}${step.diffId ? `\n${step.diffId}` : ''}`;
    const meta = el('span', 'block-meta');
    block.append(blockLine(index, step), meta);
    for (const side of sides) {
      this.blocks[side].set(index, { element: block, meta, step });
    }
    return block;
  }
}
