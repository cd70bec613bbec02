/**
 * The selected layer's files, fetched one folder at a time (media/shared/lazyTree.ts). The
 * folders the user opened are in the place: a tree drawn again (another layer, a filter,
 * the analysis arriving, a window reload) opens them again and keeps its scroll. A folder
 * the host cannot list shows the host's sentence where its rows would be.
 */
import type { LayersPanelPlace, TreeRowView } from '../../src/protocol/layersProtocol';
import { el } from '../shared/dom';
import { bytes } from '../shared/format';
import { type ChangeMarks, LazyTree, type LazyTreeActions } from '../shared/lazyTree';
import type { TreeQuery } from './messaging';
import type { UiState } from './state';

export type FileTreeActions = LazyTreeActions<TreeRowView, TreeQuery>;

const CHANGE_MARK: ChangeMarks = {
  added: ['A', 'added'],
  modified: ['M', 'modified'],
  removed: ['D', 'removed'],
};

export class FileTreeView {
  private readonly tree: LazyTree<TreeRowView, TreeQuery>;
  readonly element: HTMLElement;

  constructor(actions: FileTreeActions, place: () => LayersPanelPlace, image?: () => { key: string; title: string } | undefined) {
    this.tree = new LazyTree(actions, {
      className: 'tree',
      label: 'Files',
      marks: CHANGE_MARK,
      cells: (row) => [el('span', 'size', bytes(row.size))],
      openFolders: () => place().expanded,
      // The context menu's Open File and Compare with Previous Version are given the file (strata.layerFile.*).
      context: (row) => {
        const shown = image?.();
        const layer = place().selected;
        return row.type === 'dir' || !shown || layer === undefined
          ? undefined
          : { strataRow: 'file', image: shown.key, name: shown.title, layer: layer + 1, path: row.path, preventDefaultContextMenuItems: true };
      },
    });
    this.element = this.tree.element;
  }

  /**
   * Draws the tree for the place's layer, mode, sort and filter, with its open folders
   * open. The old rows stay until the new ones are ready, then are swapped in one go;
   * `keepScroll` puts the saved scroll back (the same tree drawn again), else it starts
   * at the top (another layer or query). Resolves when the tree is drawn.
   */
  async load(state: UiState, keepScroll: boolean): Promise<void> {
    const place = state.place;
    if (place.selected === undefined || !state.analysis) {
      this.tree.showHint(state.analysis ? '' : 'The files appear when the analysis is done.');
      return;
    }
    const query: TreeQuery = { layer: place.selected, mode: place.mode, sort: place.sort, filter: place.filter };
    const empty = query.filter ? 'No path matches the filter.' : query.mode === 'changes' ? 'This layer changes no files.' : 'No files up to this layer.';
    await this.tree.load(query, keepScroll ? place.treeScroll : 0, empty);
  }
}
