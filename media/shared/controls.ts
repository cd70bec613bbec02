/**
 * The controls above a file tree, as both panels make them: a labelled select, and the
 * path filter. They are made once and never rebuilt, so what the user typed, the caret
 * and the focus stay where they are whatever the host sends meanwhile.
 */
import { el } from './dom';

/** Typing waits this long after the last key before the tree is asked again. */
const FILTER_DELAY_MS = 150;

export function selectBox(label: string, choices: Array<[string, string]>, onChange: (value: string) => void): HTMLSelectElement {
  const select = el('select');
  select.setAttribute('aria-label', label);
  for (const [value, text] of choices) {
    const o = el('option', undefined, text);
    o.value = value;
    select.append(o);
  }
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/** The path filter: what is typed is applied once the keys pause. */
export class FilterBox {
  readonly element = el('input');
  private timer: number | undefined;

  constructor(onFilter: (filter: string) => void) {
    this.element.type = 'search';
    this.element.placeholder = 'Filter paths';
    this.element.setAttribute('aria-label', 'Filter paths');
    this.element.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => {
        this.timer = undefined;
        onFilter(this.element.value);
      }, FILTER_DELAY_MS);
    });
  }

  /** Puts the place's filter in the box: what the place says wins over keys typed but not yet applied. */
  show(filter: string): void {
    if (this.element.value !== filter) {
      window.clearTimeout(this.timer);
      this.timer = undefined;
      this.element.value = filter;
    }
  }
}
