/**
 * The header: the image's name and Run button, its facts (sizes, platform, efficiency,
 * wasted), its labels, and one status line (an error with Retry, or how far the reading
 * is). Built once; each message changes only the text it concerns.
 */
import { sizeLabel } from '../../src/shared/sizeNames';
import { el, icon, setShown, setText } from '../shared/dom';
import { bytes, percent } from '../shared/format';
import { type UiState, layerCount } from './state';

export interface SummaryActions {
  run(): void;
  retry(): void;
}

/** The facts, in the order shown; each keeps its element id (tests and themes find them by it). */
const FACTS = [
  ['size-unpacked', sizeLabel('unpacked')],
  ['size-content', sizeLabel('content')],
  ['size-shared', sizeLabel('shared')],
  ['size-files', sizeLabel('files')],
  ['platform', 'Platform'],
  ['layers', 'Layers'],
  ['efficiency', 'Efficiency'],
  ['wasted', 'Wasted'],
  ['built-on', 'Built on'],
] as const;

type FactId = (typeof FACTS)[number][0];

export class Summary {
  readonly element = el('header', 'summary');
  private readonly heading = el('h1', undefined, 'Layers');
  private readonly runButton = el('button', 'run');
  private readonly facts = new Map<FactId, { item: HTMLElement; value: HTMLElement }>();
  private readonly labels = el('details', 'labels');
  private readonly labelsTitle = el('summary');
  private readonly labelsList = el('dl');
  private labelsDrawn = '';
  private readonly errorBox = el('div', 'error');
  private readonly errorText = el('span');
  private readonly progressLine = el('div', 'progress');

  constructor(actions: SummaryActions) {
    const title = el('div', 'title');
    this.runButton.append(icon('play'), el('span', undefined, 'Run'));
    this.runButton.title = 'Run this image, as Strata: Run Image does';
    this.runButton.addEventListener('click', () => actions.run());
    setShown(this.runButton, false);
    title.append(icon('layers'), this.heading, this.runButton);

    const list = el('dl', 'facts');
    for (const [id, name] of FACTS) {
      const item = el('div', 'fact');
      item.id = id;
      const value = el('dd');
      item.append(el('dt', undefined, name), value);
      list.append(item);
      this.facts.set(id, { item, value });
    }

    this.labels.append(this.labelsTitle, this.labelsList);
    setShown(this.labels, false);

    this.errorBox.setAttribute('role', 'alert');
    const retry = el('button', undefined, 'Retry');
    retry.addEventListener('click', () => actions.retry());
    this.errorBox.append(icon('error'), this.errorText, retry);
    setShown(this.errorBox, false);
    setShown(this.progressLine, false);

    this.element.append(title, list, this.labels, this.errorBox, this.progressLine);
  }

  /** The name, Run, facts and labels: after `init` and `analysis`. */
  showImage(state: UiState): void {
    const { image, analysis: a } = state;
    setText(this.heading, image?.title ?? 'Layers');
    setShown(this.runButton, image?.runnable === true);

    // The engine's figures first, each under its one name; then the analysis's own.
    const sizes = image?.sizes;
    this.fact('size-unpacked', sizes ? bytes(sizes.unpacked) : undefined);
    this.fact('size-content', sizes?.content !== undefined ? bytes(sizes.content) : undefined);
    this.fact('size-shared', sizes?.shared !== undefined ? bytes(sizes.shared) : undefined);
    this.fact('size-files', a ? bytes(a.sizeBytes) : '…');
    const platform = a?.platform ?? image?.platform;
    let platformText: string | undefined;
    if (image?.platforms || (a && a.attestations.length)) {
      const others = (image?.platforms ?? []).filter((p) => p !== platform);
      const attested = a?.attestations.length
        ? `; ${a.attestations.length} attestation${a.attestations.length === 1 ? '' : 's'} (${[...new Set(a.attestations)].join(', ')}), not layers`
        : '';
      platformText = `${platform ?? '?'}${others.length ? ` (also ${others.join(', ')})` : ''}${attested}`;
    }
    this.fact('platform', platformText);
    this.fact('layers', String(layerCount(state)));
    // Four decimals, as dive prints it: 99.9996 % is not 100 %.
    this.fact('efficiency', a ? `${(a.efficiency * 100).toFixed(4)} %` : '…');
    this.fact('wasted', a ? `${bytes(a.wastedBytes)} (${percent(a.wastedUserPercent)} of user size)` : '…');
    this.fact('built-on', image?.builtOn ?? '—');
    this.showLabels(image?.labels ?? {});
  }

  /** The error, or the reading's progress: a progress message changes this line's text only. */
  showStatus(state: UiState): void {
    setShown(this.errorBox, state.error !== undefined);
    if (state.error !== undefined) {
      setText(this.errorText, state.error);
    }
    const p = !state.error && !state.analysis ? state.progress : undefined;
    setShown(this.progressLine, p !== undefined);
    if (p) {
      setText(
        this.progressLine,
        p.bytesRead === 0 && p.waitingMs
          ? `Waiting for the engine to start sending the image… ${Math.round(p.waitingMs / 1000)} s`
          : `Reading the image: ${bytes(p.bytesRead)}${p.total ? ` of about ${bytes(p.total)}` : ''}…`,
      );
    }
  }

  /** A fact's value; undefined hides the fact (an archive has no engine sizes). */
  private fact(id: FactId, value: string | undefined): void {
    const fact = this.facts.get(id);
    if (fact) {
      setShown(fact.item, value !== undefined);
      setText(fact.value, value ?? '');
    }
  }

  /** Redrawn only when they change, so an open list stays open. */
  private showLabels(labels: Record<string, string>): void {
    const entries = Object.entries(labels);
    const drawn = JSON.stringify(entries);
    if (drawn === this.labelsDrawn) {
      return;
    }
    this.labelsDrawn = drawn;
    setShown(this.labels, entries.length > 0);
    setText(this.labelsTitle, `Labels (${entries.length})`);
    this.labelsList.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', undefined, k), el('dd', undefined, v)]));
  }
}
