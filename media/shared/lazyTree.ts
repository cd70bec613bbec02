/**
 * A file tree fetched one folder at a time, as both panels draw one: the Layers panel's
 * files of a layer and the Compare panel's differences. A row is a twistie, the entry's
 * kind, its name and link target, the panel's own cells, and its change mark; a folder
 * asks the host for its rows when opened, and one the host cannot list shows the host's
 * sentence where its rows would be. The open folders are in the panel's place: a tree
 * drawn again opens them again and keeps its scroll. Large folders are drawn in slices.
 */
import type { TreeRowView } from '../../src/protocol/layersProtocol';
import { el, icon } from './dom';

/** Each kind of change's mark: its letter, and what its tooltip says. */
export type ChangeMarks = Record<NonNullable<TreeRowView['change']>, [string, string]>;

export interface LazyTreeActions<Row, Query> {
  listChildren(query: Query, path: string): Promise<Row[]>;
  /** A folder opened or closed by the user. */
  expanded(path: string, open: boolean): void;
  scrolled(top: number): void;
  /** A row that is not a folder was double-clicked, or Enter pressed on it (open it). */
  activate?(row: Row): void;
}

/** What makes one panel's tree its own. */
export interface LazyTreeLook<Row> {
  className: string;
  /** The tree's accessible name. */
  label: string;
  marks: ChangeMarks;
  /** The row's own cells, between its name (and link target) and its change mark. */
  cells(row: Row): Node[];
  /** The folders the place has open, read as each slice is drawn. */
  openFolders(): readonly string[];
  /** What VS Code's context menu on a row is given (`data-vscode-context`), if anything. */
  context?(row: Row): Record<string, unknown> | undefined;
}

/** Rows drawn at a time in one folder: a folder of 50,000 entries is drawn in slices. */
const SLICE = 500;

function failure(err: unknown, depth: number): HTMLElement {
  const p = el('p', 'tree-error', err instanceof Error ? err.message : String(err));
  p.setAttribute('role', 'alert');
  p.style.paddingLeft = `${8 + depth * 14}px`;
  return p;
}

export class LazyTree<Row extends TreeRowView, Query> {
  readonly element: HTMLElement;
  /** Bumped by every load: answers for an older one are dropped. */
  private generation = 0;

  constructor(private readonly actions: LazyTreeActions<Row, Query>, private readonly look: LazyTreeLook<Row>) {
    this.element = el('div', look.className);
    this.element.setAttribute('role', 'tree');
    this.element.setAttribute('aria-label', look.label);
    this.element.addEventListener('scroll', () => this.actions.scrolled(this.element.scrollTop), { passive: true });
  }

  /**
   * Draws the top rows for the query, with the place's open folders open. The old rows
   * stay until the new ones are ready, then are swapped in one go and the tree is put at
   * `scroll`; `empty` is the line shown when there is no row. Resolves when it is drawn.
   */
  async load(query: Query, scroll: number, empty: string): Promise<void> {
    const generation = ++this.generation;
    const focused = this.element.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.path : undefined;
    const content = document.createDocumentFragment();
    this.element.setAttribute('aria-busy', 'true');
    try {
      const rows = await this.actions.listChildren(query, '');
      if (generation !== this.generation) {
        return;
      }
      await this.drawRows(rows, 0, content, query, generation);
      if (rows.length === 0) {
        content.append(el('p', 'hint', empty));
      }
    } catch (err) {
      content.replaceChildren(failure(err, 0));
    }
    if (generation !== this.generation) {
      return;
    }
    this.element.removeAttribute('aria-busy');
    this.element.replaceChildren(content);
    this.element.scrollTop = scroll;
    this.actions.scrolled(this.element.scrollTop);
    if (focused !== undefined) {
      this.rows().find((r) => r.dataset.path === focused)?.focus();
    }
  }

  /**
   * A line instead of rows (there is nothing to ask for yet); answers for a load under way
   * are dropped. The same line again changes nothing (typing before the analysis, say).
   */
  showHint(text: string): void {
    ++this.generation;
    this.element.removeAttribute('aria-busy');
    const shown = this.element.firstElementChild;
    if (this.element.childElementCount !== 1 || shown?.className !== 'hint' || shown.textContent !== text) {
      this.element.replaceChildren(el('p', 'hint', text));
    }
  }

  private rows(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>('.row')];
  }

  /** Draws a folder's rows (a slice at a time) and opens those the place has open. */
  private async drawRows(rows: Row[], depth: number, into: ParentNode, query: Query, generation: number): Promise<void> {
    const opening: Array<Promise<void>> = [];
    let shown = 0;
    const more = el('button', 'more');
    const drawSlice = () => {
      const expanded = new Set(this.look.openFolders());
      // Once drawn, "more" is where the next slice goes (the first slice may go into a fragment).
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

  private row(row: Row, depth: number, query: Query, generation: number): { node: HTMLElement; isFolder: boolean; open(): Promise<void> } {
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
    const mark = row.change ? el('span', `mark mark-${row.change}`, this.look.marks[row.change][0]) : el('span', 'mark');
    if (row.change) {
      mark.title = this.look.marks[row.change][1];
    }
    r.append(twist, kind, el('span', 'name', row.name));
    if (row.linkTarget) {
      r.append(el('span', 'link', `→ ${row.linkTarget}`));
    }
    r.append(...this.look.cells(row), mark);
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
    const context = this.look.context?.(row);
    if (context) {
      r.dataset.vscodeContext = JSON.stringify(context);
    }
    // A file (not a folder, even an empty one) opens on double-click or Enter.
    const activate = !isFolder && row.type !== 'dir' && this.actions.activate ? () => this.actions.activate?.(row) : undefined;
    if (activate) {
      r.addEventListener('dblclick', activate);
    }
    r.addEventListener('click', toggle);
    r.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && activate) {
        e.preventDefault();
        activate();
      } else if (e.key === 'Enter' || e.key === ' ' || (e.key === 'ArrowRight' && !isOpen) || (e.key === 'ArrowLeft' && isOpen)) {
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
