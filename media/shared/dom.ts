/**
 * Element helpers for both panels' scripts. Text goes in as textContent only: nothing the
 * host sends (tags, labels, build steps, file names) is ever parsed as HTML.
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) {
    e.className = className;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** A codicon, hidden from screen readers (the text beside it says the same). */
export function icon(name: string): HTMLElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** Sets an element's text only when it differs: an unchanged part is not touched at all. */
export function setText(e: Node, text: string): void {
  if (e.textContent !== text) {
    e.textContent = text;
  }
}

/** Shows or hides an element (the stylesheet makes `[hidden]` win over its own `display`). */
export function setShown(e: HTMLElement, shown: boolean): void {
  if (e.hidden === shown) {
    e.hidden = !shown;
  }
}

/** A description list's terms and values (a `dl`'s children), in order. */
export function definitions(entries: Array<[string, string]>): HTMLElement[] {
  return entries.flatMap(([term, value]) => [el('dt', undefined, term), el('dd', undefined, value)]);
}

/**
 * Keeps a CSS variable on the page equal to an element's height, so that the stylesheet
 * can place sticky parts below a sticky header whose height changes (labels opened, a
 * long tag wrapping).
 */
export function trackHeight(e: HTMLElement, variable: string): void {
  new ResizeObserver(() => document.documentElement.style.setProperty(variable, `${e.offsetHeight}px`)).observe(e);
}
