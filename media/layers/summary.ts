/**
 * The header: the image's name and Run button, its facts (sizes, platform, efficiency,
 * wasted), its labels, and one status line (an error with Retry, or how far the reading
 * is). Built once; each message changes only the text it concerns.
 */
import { sizeLabel } from '../../src/shared/sizeNames';
import { el, icon, setShown, setText } from '../shared/dom';
import { bytes, percent } from '../shared/format';
import { FactList, LabelList, StatusLine } from '../shared/summaryParts';
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
  ['source', 'Read'],
] as const;

export class Summary {
  readonly element = el('header', 'summary');
  private readonly heading = el('h1', undefined, 'Layers');
  private readonly runButton = el('button', 'run');
  private readonly facts = new FactList(FACTS);
  private readonly labels = new LabelList();
  private readonly status: StatusLine;

  constructor(actions: SummaryActions) {
    const title = el('div', 'title');
    this.runButton.append(icon('play'), el('span', undefined, 'Run'));
    this.runButton.title = 'Run this image, as Strata: Run Image does';
    this.runButton.addEventListener('click', () => actions.run());
    setShown(this.runButton, false);
    title.append(icon('layers'), this.heading, this.runButton);

    this.status = new StatusLine(() => actions.retry(), {
      subject: 'the image',
      reading: (read, total) => `Reading the image: ${read}${total ? ` of about ${total}` : ''}…`,
    });
    this.element.append(title, this.facts.element, this.labels.element, this.status.errorBox, this.status.progressLine);
  }

  /** The name, Run, facts and labels: after `init` and `analysis`. */
  showImage(state: UiState): void {
    const { image, analysis: a } = state;
    setText(this.heading, image?.title ?? 'Layers');
    setShown(this.runButton, image?.runnable === true);

    // The engine's figures first, each under its one name; then the analysis's own.
    const sizes = image?.sizes;
    this.facts.show('size-unpacked', sizes ? bytes(sizes.unpacked) : undefined);
    this.facts.show('size-content', sizes?.content !== undefined ? bytes(sizes.content) : undefined);
    this.facts.show('size-shared', sizes?.shared !== undefined ? bytes(sizes.shared) : undefined);
    this.facts.show('size-files', a ? bytes(a.sizeBytes) : '…');
    const platform = a?.platform ?? image?.platform;
    let platformText: string | undefined;
    if (image?.platforms || (a && a.attestations.length)) {
      const others = (image?.platforms ?? []).filter((p) => p !== platform);
      const attested = a?.attestations.length
        ? `; ${a.attestations.length} attestation${a.attestations.length === 1 ? '' : 's'} (${[...new Set(a.attestations)].join(', ')}), not layers`
        : '';
      platformText = `${platform ?? '?'}${others.length ? ` (also ${others.join(', ')})` : ''}${attested}`;
    }
    this.facts.show('platform', platformText);
    this.facts.show('layers', String(layerCount(state)));
    // Four decimals, as dive prints it: 99.9996 % is not 100 %.
    this.facts.show('efficiency', a ? `${(a.efficiency * 100).toFixed(4)} %` : '…');
    this.facts.show('wasted', a ? `${bytes(a.wastedBytes)} (${percent(a.wastedUserPercent)} of user size)` : '…');
    this.facts.show('built-on', image?.builtOn ?? '—');
    // Where the image was read from, and what that cost: a registry read only the layers it did not know.
    const read = a?.read;
    const cost = read ? (read.fromKept ? 'kept from an earlier analysis, nothing read' : `${bytes(read.bytesRead)} in ${read.blobsRead} layer${read.blobsRead === 1 ? '' : 's'}`) : undefined;
    this.facts.show('source', image?.origin ? `${image.origin}${cost ? ` · ${cost}` : ''}` : cost);
    this.labels.show(image?.labels ?? {});
  }

  /** The error, or the reading's progress: a progress message changes this line's text only. */
  showStatus(state: UiState): void {
    this.status.show(state.error, !state.error && !state.analysis ? state.progress : undefined);
  }

}
