/**
 * The difference of the two final filesystems as a tree: every file added, removed or
 * modified from A to B (with why), folders with the change below them summed, sorted by
 * the size of the change, filtered by path and by kind; fetched one folder at a time. The
 * controls are made once and never rebuilt (typed text, caret and focus stay); the open
 * folders and the scroll are in the place, so a tree drawn again opens them again.
 */
import type { ChangeKind, CompareRow, DiffQuery, TreeSort } from '../../src/protocol/compareProtocol';
import { el, icon, setText } from '../shared/dom';
import { bytes } from '../shared/format';
import { KINDS, type UiState } from './state';

export interface DiffTreeActions {
  listChildren(query: DiffQuery, path: string): Promise<CompareRow[]>;
  setQuery(change: Partial<DiffQuery>): void;
  expanded(path: string, open: boolean): void;
  scrolled(top: number): void;
}

const MARK: Record<ChangeKind, [string, string]> = {
  added: ['A', 'added in B'],
  modified: ['M', 'modified'],
  removed: ['D', 'removed in B'],
};

/** Rows drawn at a time in one folder: a folder of 50,000 entries is drawn in slices. */
const SLICE = 500;
/** Typing waits this long after the last key before the tree is asked again. */
const FILTER_DELAY_MS = 150;

const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${bytes(Math.abs(n))}`;

function failure(err: unknown, depth: number): HTMLElement {
  const p = el('p', 'tree-error', err instanceof Error ? err.message : String(err));
  p.setAttribute('role', 'alert');
  p.style.paddingLeft = `${8 + depth * 14}px`;
  return p;
}

export class DiffTree {
  readonly element = el('section', 'diff');
  private readonly tree = el('div', 'tree diff-tree');
  private readonly kindBoxes = new Map<ChangeKind, { input: HTMLInputElement; count: HTMLElement }>();
  private readonly sort = el('select');
  private readonly filter = el('input');
  private filterTimer: number | undefined;
  /** Bumped by every load: answers for an older one are dropped. */
  private generation = 0;

  constructor(private readonly actions: DiffTreeActions, private readonly state: UiState) {
    const heading = el('h2', undefined, 'Files, from A to B');
    const controls = el('div', 'tree-controls');
    const kinds = el('div', 'kinds');
    kinds.setAttribute('role', 'group');
    kinds.setAttribute('aria-label', 'Kinds of change shown');
    for (const kind of KINDS) {
      const label = el('label', `kind kind-${kind}`);
      const input = el('input');
      input.type = 'checkbox';
      input.addEventListener('change', () => this.actions.setQuery({ kinds: KINDS.filter((k) => this.kindBoxes.get(k)?.input.checked) }));
      const count = el('span', 'kind-count');
      label.append(input, el('span', `mark mark-${kind}`, MARK[kind][0]), el('span', undefined, kind), count);
      kinds.append(label);
      this.kindBoxes.set(kind, { input, count });
    }
    this.sort.setAttribute('aria-label', 'Sort');
    for (const [value, text] of [
      ['delta', 'Sort by size change'],
      ['size', 'Sort by size'],
      ['name', 'Sort by name'],
    ]) {
      const o = el('option', undefined, text);
      o.value = value;
      this.sort.append(o);
    }
    this.sort.addEventListener('change', () => this.actions.setQuery({ sort: this.sort.value as TreeSort }));
    this.filter.type = 'search';
    this.filter.placeholder = 'Filter paths';
    this.filter.setAttribute('aria-label', 'Filter paths');
    this.filter.addEventListener('input', () => {
      window.clearTimeout(this.filterTimer);
      this.filterTimer = window.setTimeout(() => {
        this.filterTimer = undefined;
        this.actions.setQuery({ filter: this.filter.value });
      }, FILTER_DELAY_MS);
    });
    controls.append(kinds, this.sort, this.filter);
    this.tree.setAttribute('role', 'tree');
    this.tree.setAttribute('aria-label', 'Differences');
    this.tree.addEventListener('scroll', () => this.actions.scrolled(this.tree.scrollTop), { passive: true });
    this.element.append(heading, controls, this.tree);
  }

  /** Puts the place's query in the controls (at start, and after a reset). */
  showControls(): void {
    const place = this.state.place;
    for (const [kind, { input }] of this.kindBoxes) {
      input.checked = place.kinds.includes(kind);
    }
    this.sort.value = place.sort;
    if (this.filter.value !== place.filter) {
      window.clearTimeout(this.filterTimer);
      this.filter.value = place.filter;
    }
  }

  /** How many files of each kind (after `comparison`). */
  showCounts(): void {
    const counts = this.state.comparison?.counts;
    for (const [kind, { count }] of this.kindBoxes) {
      setText(count, counts ? `(${counts[kind]})` : '');
    }
  }

  /**
   * Draws the tree for the place's query, with its open folders open. The old rows stay
   * until the new ones are ready; `keepScroll` puts the saved scroll back (the same tree
   * drawn again), else it starts at the top. Resolves when the tree is drawn.
   */
  async load(keepScroll: boolean): Promise<void> {
    const generation = ++this.generation;
    const { place, comparison, error } = this.state;
    if (!comparison) {
      this.showHint(error ? 'Not available.' : 'The differences appear when both images are read.');
      return;
    }
    const query: DiffQuery = { sort: place.sort, filter: place.filter, kinds: [...place.kinds] };
    const scroll = keepScroll ? place.treeScroll : 0;
    const focused = this.tree.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.path : undefined;
    const content = document.createDocumentFragment();
    this.tree.setAttribute('aria-busy', 'true');
    try {
      const rows = await this.actions.listChildren(query, '');
      if (generation !== this.generation) {
        return;
      }
      await this.drawRows(rows, 0, content, query, generation);
      if (rows.length === 0) {
        const total = comparison.counts.added + comparison.counts.removed + comparison.counts.modified;
        content.append(el('p', 'hint', total === 0 ? 'The two final filesystems are the same.' : query.kinds.length === 0 ? 'No kind of change is chosen.' : 'No path matches the filter.'));
      }
    } catch (err) {
      content.replaceChildren(failure(err, 0));
    }
    if (generation !== this.generation) {
      return;
    }
    this.tree.removeAttribute('aria-busy');
    this.tree.replaceChildren(content);
    this.tree.scrollTop = scroll;
    this.actions.scrolled(this.tree.scrollTop);
    if (focused !== undefined) {
      this.rows().find((r) => r.dataset.path === focused)?.focus();
    }
  }

  private showHint(text: string): void {
    this.tree.removeAttribute('aria-busy');
    const shown = this.tree.firstElementChild;
    if (this.tree.childElementCount !== 1 || shown?.className !== 'hint' || shown.textContent !== text) {
      this.tree.replaceChildren(el('p', 'hint', text));
    }
  }

  private rows(): HTMLElement[] {
    return [...this.tree.querySelectorAll<HTMLElement>('.row')];
  }

  private async drawRows(rows: CompareRow[], depth: number, into: ParentNode, query: DiffQuery, generation: number): Promise<void> {
    const opening: Array<Promise<void>> = [];
    let shown = 0;
    const more = el('button', 'more');
    const drawSlice = () => {
      const expanded = new Set(this.state.place.expanded);
      const parent = more.parentNode ?? into;
      for (const row of rows.slice(shown, shown + SLICE)) {
        const drawn = this.row(row, depth, query, generation);
        parent.insertBefore(drawn.node, more.parentNode ? more : null);
        if (drawn.isFolder && expanded.has(row.path)) {
          opening.push(drawn.open());
        }
      }
      shown = Math.min(rows.length, shown + SLICE);
      if (shown < rows.length) {
        more.textContent = `Show ${Math.min(SLICE, rows.length - shown)} more of ${rows.length - shown}…`;
        if (!more.parentNode) {
          into.append(more);
        }
      } else {
        more.remove();
      }
    };
    more.addEventListener('click', drawSlice);
    drawSlice();
    await Promise.all(opening);
  }

  private row(row: CompareRow, depth: number, query: DiffQuery, generation: number): { node: HTMLElement; isFolder: boolean; open(): Promise<void> } {
    const wrap = el('div', 'node');
    const r = el('div', `row${row.change ? ` change-${row.change}` : ''}`);
    r.setAttribute('role', 'treeitem');
    r.tabIndex = 0;
    r.dataset.path = row.path;
    r.style.paddingLeft = `${8 + depth * 14}px`;
    const isFolder = row.childCount > 0;
    const twist = icon(isFolder ? 'chevron-right' : 'blank');
    twist.classList.add('twistie');
    const kind = icon(row.type === 'dir' ? 'folder' : row.type === 'symlink' ? 'file-symlink-file' : row.type === 'hardlink' ? 'references' : 'file');
    const mark = row.change ? el('span', `mark mark-${row.change}`, MARK[row.change][0]) : el('span', 'mark');
    if (row.change) {
      mark.title = MARK[row.change][1];
    }
    r.append(twist, kind, el('span', 'name', row.name));
    if (row.linkTarget) {
      r.append(el('span', 'link', `→ ${row.linkTarget}`));
    }
    if (row.reasons?.length) {
      const reasons = el('span', 'reasons');
      reasons.append(...row.reasons.map((why) => el('span', 'reason', why)));
      reasons.title = `Differs in: ${row.reasons.join(', ')}`;
      r.append(reasons);
    }
    const sizes = el('span', 'size');
    if (row.change === 'modified' && row.sizeA !== undefined && row.sizeB !== undefined && row.sizeA !== row.sizeB) {
      setText(sizes, `${bytes(row.sizeA)} → ${bytes(row.sizeB)}`);
    } else {
      setText(sizes, bytes(row.size));
    }
    const delta = row.delta ?? 0;
    const deltaText = el('span', `delta${delta > 0 ? ' grew' : delta < 0 ? ' shrank' : ''}`, delta ? signed(delta) : '');
    r.append(sizes, deltaText, mark);
    const children = el('div', 'children');
    children.setAttribute('role', 'group');
    let isOpen = false;
    const showOpen = (open: boolean) => {
      isOpen = open;
      r.setAttribute('aria-expanded', String(open));
      twist.className = `codicon codicon-${open ? 'chevron-down' : 'chevron-right'} twistie`;
    };
    const open = async (): Promise<void> => {
      showOpen(true);
      try {
        const rows = await this.actions.listChildren(query, row.path);
        if (isOpen && generation === this.generation) {
          children.replaceChildren();
          await this.drawRows(rows, depth + 1, children, query, generation);
        }
      } catch (err) {
        if (isOpen) {
          children.replaceChildren(failure(err, depth + 1));
        }
      }
    };
    const toggle = () => {
      if (!isFolder) {
        return;
      }
      if (isOpen) {
        showOpen(false);
        children.replaceChildren();
      } else {
        void open();
      }
      this.actions.expanded(row.path, isOpen);
    };
    if (isFolder) {
      r.setAttribute('aria-expanded', 'false');
    }
    r.addEventListener('click', toggle);
    r.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ' || (e.key === 'ArrowRight' && !isOpen) || (e.key === 'ArrowLeft' && isOpen)) {
        e.preventDefault();
        toggle();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const rows = this.rows();
        rows[rows.indexOf(r) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
      }
    });
    wrap.append(r, children);
    return { node: wrap, isFolder, open };
  }
}
