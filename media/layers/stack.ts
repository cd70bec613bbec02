/**
 * The image drawn as a stack, base at the bottom: a band per base image, a block per
 * filesystem layer (height by size), a thin marker per metadata step. Drawn when the
 * steps arrive; afterwards the analysis only sets sizes, and a selection only toggles
 * classes, so the block that has the focus keeps it.
 */
import type { GroupView, LayersPanelPlace, StepView } from '../../src/protocol/layersProtocol';
import { el, setText } from '../shared/dom';
import { bytes } from '../shared/format';
import { type BlockScale, blockLine, setBlockHeight, stepMarker } from '../shared/stackParts';
import type { UiState } from './state';

export interface StackActions {
  /** A layer chosen by click or by the arrow keys (its block gets the focus). */
  select(index: number): void;
}

const BAND_COLOURS = ['blue', 'green', 'purple', 'orange', 'yellow', 'red'];

/** Block heights by layer size (Compare's are smaller: two stacks share its width). */
const SCALE: BlockScale = { base: 36, growth: 70, perDoubling: 7 };

interface Block {
  button: HTMLButtonElement;
  meta: HTMLElement;
  step: StepView;
}

export class Stack {
  readonly element = el('section', 'stack');
  private readonly column = el('div', 'stack-column');
  private readonly blocks = new Map<number, Block>();
  private drawn = '';

  constructor(private readonly actions: StackActions) {
    this.element.setAttribute('aria-label', 'Layers, base at the bottom');
    this.element.append(el('div', 'stack-top', 'application'), this.column, el('div', 'stack-bottom', 'base'));
  }

  /** Draws the steps; the same steps again (a retry, a second `init`) leave the blocks alone. */
  setGroups(groups: GroupView[]): void {
    const drawn = JSON.stringify(groups);
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.layer;
    this.blocks.clear();
    let bandIndex = 0;
    this.column.replaceChildren(
      ...groups.map((group) => {
        const g = el('div', `group${group.base ? ` band band-${BAND_COLOURS[bandIndex++ % BAND_COLOURS.length]}` : ' own'}`);
        g.append(el('div', 'group-label', group.base ? `from ${group.base}` : 'this image'));
        const steps = el('div', 'steps');
        steps.append(...group.steps.map((step) => (step.layerIndex === undefined ? stepMarker(step) : this.block(step))));
        g.append(steps);
        return g;
      }),
    );
    if (focused !== undefined) {
      this.focus(Number(focused));
    }
  }

  /** Each block's height and size line: the analysis's figures once there are some; a layer holding secrets marked. */
  showSizes(state: UiState): void {
    const secrets = new Map<number, number>();
    for (const s of state.analysis?.secrets ?? []) {
      secrets.set(s.layer, (secrets.get(s.layer) ?? 0) + 1);
    }
    for (const [index, { button, meta, step }] of this.blocks) {
      const stat = state.analysis?.layers[index];
      const size = stat?.size ?? step.size;
      setBlockHeight(button, size, SCALE);
      const held = secrets.get(index) ?? 0;
      const secretText = held ? ` · ${held} secret${held === 1 ? '' : 's'}` : '';
      setText(meta, stat ? `${bytes(size)} · +${stat.added} ~${stat.modified} −${stat.removed}${secretText}` : bytes(size));
      button.classList.toggle('has-secrets', held > 0);
    }
  }

  /** The selected and highlighted layers, by classes on the blocks. */
  showSelection(place: LayersPanelPlace): void {
    const highlighted = new Set(place.highlighted);
    for (const [index, { button }] of this.blocks) {
      const selected = place.selected === index;
      button.classList.toggle('selected', selected);
      if (button.getAttribute('aria-pressed') !== String(selected)) {
        button.setAttribute('aria-pressed', String(selected));
      }
      button.classList.toggle('highlighted', highlighted.has(index));
    }
  }

  focus(index: number): void {
    this.blocks.get(index)?.button.focus();
  }

  private block(step: StepView): HTMLElement {
    const index = step.layerIndex as number;
    const button = el('button', 'block');
    button.dataset.layer = String(index);
    button.setAttribute('aria-pressed', 'false');
    button.title = step.createdBy || step.text;
    const meta = el('span', 'block-meta');
    button.append(blockLine(index, step), meta);
    button.addEventListener('click', () => this.actions.select(index));
    button.addEventListener('keydown', (e) => {
      // Up goes towards the application (the stack is drawn bottom-up).
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
        e.preventDefault();
        const next = index + (e.key === 'ArrowUp' ? 1 : -1);
        if (this.blocks.has(next)) {
          this.actions.select(next);
        }
      }
    });
    this.blocks.set(index, { button, meta, step });
    return button;
  }
}
