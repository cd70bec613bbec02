/**
 * The selected layer's files, fetched one folder at a time. The folders the user opened
 * are in the place: a tree drawn again (another layer, a filter, the analysis arriving,
 * a window reload) opens them again and keeps its scroll. A folder the host cannot list
 * shows the host's sentence where its rows would be.
 */
import type { LayersPanelPlace, TreeRowView } from '../../src/protocol/layersProtocol';
import { el, icon } from '../shared/dom';
import { bytes } from '../shared/format';
import type { TreeQuery } from './messaging';
import type { UiState } from './state';

export interface FileTreeActions {
  listChildren(query: TreeQuery, path: string): Promise<TreeRowView[]>;
  /** A folder opened or closed by the user. */
  expanded(path: string, open: boolean): void;
  scrolled(top: number): void;
}

const CHANGE_MARK: Record<string, [string, string]> = {
  added: ['A', 'added'],
  modified: ['M', 'modified'],
  removed: ['D', 'removed'],
};

/** Rows drawn at a time in one folder: a folder of 50,000 entries is drawn in slices. */
const SLICE = 500;

function failure(err: unknown, depth: number): HTMLElement {
  const p = el('p', 'tree-error', err instanceof Error ? err.message : String(err));
  p.setAttribute('role', 'alert');
  p.style.paddingLeft = `${8 + depth * 14}px`;
  return p;
}

export class FileTreeView {
  readonly element = el('div', 'tree');
  /** Bumped by every load: answers for an older one are dropped. */
  private generation = 0;

  constructor(private readonly actions: FileTreeActions, private readonly place: () => LayersPanelPlace) {
    this.element.setAttribute('role', 'tree');
    this.element.setAttribute('aria-label', 'Files');
    this.element.addEventListener('scroll', () => this.actions.scrolled(this.element.scrollTop), { passive: true });
  }

  /**
   * Draws the tree for the place's layer, mode, sort and filter, with its open folders
   * open. The old rows stay until the new ones are ready, then are swapped in one go;
   * `keepScroll` puts the saved scroll back (the same tree drawn again), else it starts
   * at the top (another layer or query). Resolves when the tree is drawn.
   */
  async load(state: UiState, keepScroll: boolean): Promise<void> {
    const generation = ++this.generation;
    const place = state.place;
    if (place.selected === undefined || !state.analysis) {
      this.showHint(state.analysis ? '' : 'The files appear when the analysis is done.');
      return;
    }
    const query: TreeQuery = { layer: place.selected, mode: place.mode, sort: place.sort, filter: place.filter };
    const scroll = keepScroll ? place.treeScroll : 0;
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
        content.append(
          el('p', 'hint', query.filter ? 'No path matches the filter.' : query.mode === 'changes' ? 'This layer changes no files.' : 'No files up to this layer.'),
        );
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

  /** A line instead of rows; the same line again changes nothing (typing before the analysis, say). */
  private showHint(text: string): void {
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
  private async drawRows(rows: TreeRowView[], depth: number, into: ParentNode, query: TreeQuery, generation: number): Promise<void> {
    const opening: Array<Promise<void>> = [];
    let shown = 0;
    const more = el('button', 'more');
    const drawSlice = () => {
      const expanded = new Set(this.place().expanded);
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

  private row(row: TreeRowView, depth: number, query: TreeQuery, generation: number): { node: HTMLElement; isFolder: boolean; open(): Promise<void> } {
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
    const mark = row.change ? el('span', `mark mark-${row.change}`, CHANGE_MARK[row.change][0]) : el('span', 'mark');
    if (row.change) {
      mark.title = CHANGE_MARK[row.change][1];
    }
    r.append(twist, kind, el('span', 'name', row.name));
    if (row.linkTarget) {
      r.append(el('span', 'link', `→ ${row.linkTarget}`));
    }
    r.append(el('span', 'size', bytes(row.size)), mark);
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
