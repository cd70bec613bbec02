/**
 * Parts of a panel's header that both panels draw alike: a list of facts (each under its
 * element id), an image's labels, and the status line (the host's error with Retry, or
 * how far the reading is). Built once; each `show` changes only the text that changed.
 */
import { definitions, el, icon, setShown, setText } from './dom';
import { bytes } from './format';

/** How far the engine's export is read. */
export interface Progress {
  bytesRead: number;
  total?: number;
  /** No byte yet after this long (an engine slow to start sending its export). */
  waitingMs?: number;
}

/** The facts, in the order shown; each keeps its element id (tests and themes find them by it). */
export class FactList<Id extends string> {
  readonly element = el('dl', 'facts');
  private readonly facts = new Map<Id, { item: HTMLElement; value: HTMLElement }>();

  constructor(facts: ReadonlyArray<readonly [Id, string]>) {
    for (const [id, name] of facts) {
      const item = el('div', 'fact');
      item.id = id;
      const value = el('dd');
      item.append(el('dt', undefined, name), value);
      this.element.append(item);
      this.facts.set(id, { item, value });
    }
  }

  /** A fact's value; undefined hides the fact (an archive has no engine sizes). */
  show(id: Id, value: string | undefined): void {
    const fact = this.facts.get(id);
    if (fact) {
      setShown(fact.item, value !== undefined);
      setText(fact.value, value ?? '');
    }
  }
}

/** An image's labels under "Labels (n)", hidden when it has none. */
export class LabelList {
  readonly element = el('details', 'labels');
  private readonly title = el('summary');
  private readonly list = el('dl');
  private drawn = '';

  constructor() {
    this.element.append(this.title, this.list);
    setShown(this.element, false);
  }

  /** Redrawn only when they change, so an open list stays open. */
  show(labels: Record<string, string>): void {
    const entries = Object.entries(labels);
    const drawn = JSON.stringify(entries);
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    setShown(this.element, entries.length > 0);
    setText(this.title, `Labels (${entries.length})`);
    this.list.replaceChildren(...definitions(entries));
  }
}

/** How a panel words its progress line. */
export interface ProgressWords {
  /** What the engine is to send: 'the image'. */
  subject: string;
  /** The line while bytes arrive, given how many so far and, when known, how many in all. */
  reading(read: string, total: string | undefined): string;
}

/** The status: an error box with Retry, and a progress line; both hidden until there is something to say. */
export class StatusLine {
  readonly errorBox = el('div', 'error');
  private readonly errorText = el('span');
  readonly progressLine = el('div', 'progress');

  constructor(retry: () => void, private readonly words: ProgressWords) {
    this.errorBox.setAttribute('role', 'alert');
    const button = el('button', undefined, 'Retry');
    button.addEventListener('click', () => retry());
    this.errorBox.append(icon('error'), this.errorText, button);
    setShown(this.errorBox, false);
    setShown(this.progressLine, false);
  }

  /** The error, and the progress (undefined once there is nothing to wait for): a progress message changes this line's text only. */
  show(error: string | undefined, progress: Progress | undefined): void {
    setShown(this.errorBox, error !== undefined);
    if (error !== undefined) {
      setText(this.errorText, error);
    }
    setShown(this.progressLine, progress !== undefined);
    if (progress) {
      setText(
        this.progressLine,
        progress.bytesRead === 0 && progress.waitingMs
          ? `Waiting for the engine to start sending ${this.words.subject}… ${Math.round(progress.waitingMs / 1000)} s`
          : this.words.reading(bytes(progress.bytesRead), progress.total ? bytes(progress.total) : undefined),
      );
    }
  }
}
