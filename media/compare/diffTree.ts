/**
 * The difference of the two final filesystems as a tree: every file added, removed or
 * modified from A to B (with why), folders with the change below them summed, sorted by
 * the size of the change, filtered by path and by kind; fetched one folder at a time. The
 * controls are made once and never rebuilt (typed text, caret and focus stay); the open
 * folders and the scroll are in the place, so a tree drawn again opens them again.
 */
import type { ChangeKind, CompareRow, DiffQuery, TreeSort } from '../../src/protocol/compareProtocol';
import { FilterBox, selectBox } from '../shared/controls';
import { el, setText } from '../shared/dom';
import { bytes, signed } from '../shared/format';
import { type ChangeMarks, LazyTree, type LazyTreeActions } from '../shared/lazyTree';
import { KINDS, type UiState } from './state';

export interface DiffTreeActions extends LazyTreeActions<CompareRow, DiffQuery> {
  setQuery(change: Partial<DiffQuery>): void;
}

const MARK: ChangeMarks = {
  added: ['A', 'added in B'],
  modified: ['M', 'modified'],
  removed: ['D', 'removed in B'],
};

/** A row's own cells: why it differs, its size (or sizes, A → B), and the change in bytes. */
function diffCells(row: CompareRow): Node[] {
  const cells: Node[] = [];
  if (row.reasons?.length) {
    const reasons = el('span', 'reasons');
    reasons.append(...row.reasons.map((why) => el('span', 'reason', why)));
    reasons.title = `Differs in: ${row.reasons.join(', ')}`;
    cells.push(reasons);
  }
  const sizes = el('span', 'size');
  if (row.change === 'modified' && row.sizeA !== undefined && row.sizeB !== undefined && row.sizeA !== row.sizeB) {
    setText(sizes, `${bytes(row.sizeA)} → ${bytes(row.sizeB)}`);
  } else {
    setText(sizes, bytes(row.size));
  }
  const delta = row.delta ?? 0;
  const deltaText = el('span', `delta${delta > 0 ? ' grew' : delta < 0 ? ' shrank' : ''}`, delta ? signed(delta) : '');
  cells.push(sizes, deltaText);
  return cells;
}

export class DiffTree {
  readonly element = el('section', 'diff');
  private readonly tree: LazyTree<CompareRow, DiffQuery>;
  private readonly kindBoxes = new Map<ChangeKind, { input: HTMLInputElement; count: HTMLElement }>();
  private readonly sort: HTMLSelectElement;
  private readonly filter: FilterBox;

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
    this.sort = selectBox('Sort', [
      ['delta', 'Sort by size change'],
      ['size', 'Sort by size'],
      ['name', 'Sort by name'],
    ], (value) => this.actions.setQuery({ sort: value as TreeSort }));
    this.filter = new FilterBox((filter) => this.actions.setQuery({ filter }));
    controls.append(kinds, this.sort, this.filter.element);
    this.tree = new LazyTree(actions, {
      className: 'tree diff-tree',
      label: 'Differences',
      marks: MARK,
      cells: diffCells,
      openFolders: () => this.state.place.expanded,
    });
    this.element.append(heading, controls, this.tree.element);
  }

  /** Puts the place's query in the controls (at start, and after a reset). */
  showControls(): void {
    const place = this.state.place;
    for (const [kind, { input }] of this.kindBoxes) {
      input.checked = place.kinds.includes(kind);
    }
    this.sort.value = place.sort;
    this.filter.show(place.filter);
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
    const { place, comparison, error } = this.state;
    if (!comparison) {
      this.tree.showHint(error ? 'Not available.' : 'The differences appear when both images are read.');
      return;
    }
    const query: DiffQuery = { sort: place.sort, filter: place.filter, kinds: [...place.kinds] };
    const total = comparison.counts.added + comparison.counts.removed + comparison.counts.modified;
    const empty = total === 0 ? 'The two final filesystems are the same.' : query.kinds.length === 0 ? 'No kind of change is chosen.' : 'No path matches the filter.';
    await this.tree.load(query, keepScroll ? place.treeScroll : 0, empty);
  }
}
