/**
 * The header: the two images (A and B, each with its facts, labels and Show Layers), Swap,
 * the summary of the comparison (each image's size, the bytes both share, the bytes only
 * in each, layer counts, how many files differ) and one status line (an error with Retry,
 * or how far the reading is). Built once; each message changes only the text it concerns.
 */
import type { Side, SideView } from '../../src/protocol/compareProtocol';
import type { ReadView } from '../../src/protocol/layersProtocol';
import { SIZE_NAMES, sizeLabel } from '../../src/shared/sizeNames';
import { el, icon, setText } from '../shared/dom';
import { bytes, signed } from '../shared/format';
import { FactList, LabelList, StatusLine } from '../shared/summaryParts';
import type { UiState } from './state';

export interface SummaryActions {
  retry(): void;
  swap(): void;
  showLayers(side: Side): void;
}

/** The facts, in the order shown; each keeps its element id (tests find them by it). */
const FACTS = [
  ['fact-a', 'A'],
  ['fact-b', 'B'],
  ['fact-shared', 'Shared by both'],
  ['fact-only-a', 'Only in A'],
  ['fact-only-b', 'Only in B'],
  ['fact-files', 'Files'],
  ['fact-delta', 'B − A'],
  ['fact-read', 'Read'],
] as const;

const layers = (n: number) => `${n} layer${n === 1 ? '' : 's'}`;

/** One image's card: its letter, name, id, age, size, labels and Show Layers. */
class SideCard {
  readonly element: HTMLElement;
  private readonly name = el('span', 'side-name');
  private readonly meta = el('span', 'side-meta');
  private readonly labels = new LabelList();

  constructor(side: Side, actions: SummaryActions) {
    this.element = el('div', `side-card side-${side}`);
    const letter = el('span', 'side-letter', side.toUpperCase());
    letter.setAttribute('aria-label', `Image ${side.toUpperCase()}`);
    const show = el('button', 'link-button');
    show.append(icon('layers'), el('span', undefined, 'Show Layers'));
    show.title = 'Open this image in the Layers panel';
    show.addEventListener('click', () => actions.showLayers(side));
    const head = el('div', 'side-head');
    head.append(letter, this.name, show);
    this.element.append(head, this.meta, this.labels.element);
  }

  show(view: SideView | undefined, fallbackTitle: string | undefined): void {
    setText(this.name, view?.title ?? fallbackTitle ?? '…');
    this.name.title = view?.id ?? '';
    const parts: string[] = [];
    if (view) {
      parts.push(view.id.replace(/^sha256:/, '').slice(0, 12));
      if (view.origin) {
        parts.push(view.origin);
      }
      if (view.unpacked !== undefined) {
        parts.push(`${bytes(view.unpacked)} ${sizeLabel('unpacked').toLowerCase()}`);
      }
      if (view.created) {
        parts.push(`created ${new Date(view.created).toLocaleString()}`);
      }
    }
    setText(this.meta, parts.join(' · '));
    this.labels.show(view?.labels ?? {});
  }
}

export class Summary {
  readonly element = el('header', 'summary');
  private readonly cardA: SideCard;
  private readonly cardB: SideCard;
  private readonly facts = new FactList(FACTS);
  private readonly status: StatusLine;

  constructor(actions: SummaryActions) {
    const title = el('div', 'title');
    const swap = el('button', 'link-button swap');
    swap.append(icon('arrow-swap'), el('span', undefined, 'Swap A and B'));
    swap.addEventListener('click', () => actions.swap());
    title.append(icon('diff'), el('h1', undefined, 'Compare images'), swap);

    this.cardA = new SideCard('a', actions);
    this.cardB = new SideCard('b', actions);
    const sides = el('div', 'sides');
    sides.append(this.cardA.element, this.cardB.element);

    this.status = new StatusLine(() => actions.retry(), {
      subject: 'the images',
      reading: (read, total) => `Reading both images (shared layers once): ${read}${total ? ` of at most ${total}` : ''}…`,
    });

    // The analysis's sizes, under their one name (src/shared/sizeNames).
    const note = el('p', 'hint sizes-note', `Sizes: ${SIZE_NAMES.files}, as dive counts them.`);
    this.element.append(title, sides, this.facts.element, note, this.status.errorBox, this.status.progressLine);
  }

  /** The two cards and the facts: after `init` and `comparison`. */
  show(state: UiState): void {
    this.cardA.show(state.a, state.panel?.a.title);
    this.cardB.show(state.b, state.panel?.b.title);
    const c = state.comparison;
    const s = c?.summary;
    const stepsOf = (side: SideView | undefined) => side?.steps.filter((x) => x.layerIndex !== undefined).length;
    // Before the analysis: the layer counts the engine gave; sizes wait for the files to be read.
    const countA = s?.a.layers ?? stepsOf(state.a);
    const countB = s?.b.layers ?? stepsOf(state.b);
    this.facts.show('fact-a', s ? `${bytes(s.a.size)} in ${layers(s.a.layers)}` : countA !== undefined ? `… in ${layers(countA)}` : '…');
    this.facts.show('fact-b', s ? `${bytes(s.b.size)} in ${layers(s.b.layers)}` : countB !== undefined ? `… in ${layers(countB)}` : '…');
    this.facts.show('fact-shared', s ? `${bytes(s.shared.size)} in ${layers(s.shared.layers)}` : state.a ? `… in ${layers(state.sharedLayers)}` : '…');
    this.facts.show('fact-only-a', s ? `${bytes(s.onlyA.size)} in ${layers(s.onlyA.layers)}` : '…');
    this.facts.show('fact-only-b', s ? `${bytes(s.onlyB.size)} in ${layers(s.onlyB.layers)}` : '…');
    this.facts.show('fact-files', c ? `${c.counts.added} added, ${c.counts.removed} removed, ${c.counts.modified} modified` : '…');
    this.facts.show('fact-delta', c ? signed(c.delta) : '…');
    // Read side by side (a registry side fetches only the layers the other does not have).
    const cost = (r: ReadView) => (r.fromKept ? 'kept, nothing read' : `${bytes(r.bytesRead)} in ${layers(r.blobsRead)}`);
    this.facts.show('fact-read', c?.read ? `A: ${cost(c.read.a)} · B: ${cost(c.read.b)}` : undefined);
  }

  /** The error, or the reading's progress: a progress message changes this line's text only. */
  showStatus(state: UiState): void {
    this.status.show(state.error, !state.error && !state.comparison ? state.progress : undefined);
  }
}
