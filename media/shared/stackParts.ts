/**
 * Parts of a drawn stack both panels share: a metadata step's thin marker, a layer
 * block's line (its number and step), and a block's height by its layer's size.
 */
import type { StepView } from '../../src/protocol/layersProtocol';
import { el, icon } from './dom';

/** How a stack's blocks grow with their layers' sizes, so 0 B and 500 MB are readable in one stack. */
export interface BlockScale {
  /** An empty layer's height, px. */
  base: number;
  /** The most a block grows beyond that, px. */
  growth: number;
  /** px per doubling of the size (in 4 kB). */
  perDoubling: number;
}

/** Sets a block's height for its layer's size; an unchanged height is not touched. */
export function setBlockHeight(block: HTMLElement, size: number, scale: BlockScale): void {
  const height = `${Math.round(scale.base + Math.min(scale.growth, scale.perDoubling * Math.log2(1 + size / 4096)))}px`;
  if (block.style.height !== height) {
    block.style.height = height;
  }
}

/** A metadata step (no layer): a thin marker with the step's text. */
export function stepMarker(step: StepView): HTMLElement {
  const m = el('div', 'marker');
  m.title = step.createdBy || step.text;
  m.append(icon('symbol-property'), el('span', 'marker-text', step.text));
  return m;
}

/** A layer block's first line: its number (from 1) and its step. */
export function blockLine(index: number, step: StepView): HTMLElement {
  const line = el('span', 'block-line');
  line.append(el('span', 'block-index', `#${index + 1}`), el('span', 'block-text', step.text));
  return line;
}
