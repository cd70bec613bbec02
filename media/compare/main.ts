/**
 * The Compare panel's script (bundled as dist/compare.js): the two images side by side
 * with the layers both share as one band, the summary, what changed (packages and
 * configuration), and the difference of their final filesystems as a tree fetched one
 * folder at a time. The page is built once; each message
 * from the host updates the part it concerns, and the user's place (the tree's kinds,
 * sort, filter, open folders, scroll) is kept in the state and saved with the panel.
 * Every string from the host came from an image or the engine: it is only ever put in the
 * page as text (textContent), never as HTML.
 */
import type { CompareRow, ComparePanelState, DiffQuery, FromWebview, ToWebview } from '../../src/protocol/compareProtocol';
import { el } from '../shared/dom';
import { type NoticeOf, RequestChannel, type WebviewApi, vscodeApi } from '../shared/requestChannel';
import { DiffTree } from './diffTree';
import { SemanticSection } from './semantic';
import { Stacks } from './stacks';
import { Store } from './state';
import { Summary } from './summary';

const api = vscodeApi<WebviewApi<FromWebview, ComparePanelState>>();
const store = new Store(api);
const state = store.state;
const channel = new RequestChannel<ToWebview, FromWebview>(api, receive);

async function listChildren(query: DiffQuery, path: string): Promise<CompareRow[]> {
  const reply = await channel.request({ type: 'listChildren', path, ...query });
  return reply.rows;
}

const summary = new Summary({
  retry: () => {
    state.error = undefined;
    channel.post({ type: 'retry' });
    summary.showStatus(state);
    void diff.load(true);
  },
  swap: () => channel.post({ type: 'swap' }),
  showLayers: (side) => channel.post({ type: 'showLayers', side }),
});
const semantic = new SemanticSection();
const stacks = new Stacks();
const diff = new DiffTree(
  {
    listChildren,
    setQuery: (change) => {
      Object.assign(state.place, change);
      store.save();
      void diff.load(false);
    },
    expanded: (path, open) => store.setExpanded(path, open),
    scrolled: (top) => store.setTreeScroll(top),
    // A file opens in an editor: a modified one as a diff of the two images' versions.
    activate: (row) => channel.post({ type: 'openFile', path: row.path }),
  },
  state,
);

const body = el('main', 'body compare-body');
body.append(stacks.element, diff.element);
(document.getElementById('app') as HTMLElement).replaceChildren(summary.element, semantic.element, body);

// The page's own scroll is part of the place too, put back once the tree is drawn.
const restorePage = store.keepPageScroll();

function receive(m: NoticeOf<ToWebview>): void {
  switch (m.type) {
    case 'init':
      if (store.adopt(m.state)) {
        diff.showControls();
      }
      state.a = m.a;
      state.b = m.b;
      state.sharedLayers = m.sharedLayers;
      summary.show(state);
      stacks.draw(state);
      stacks.showSizes(state);
      break;
    case 'progress':
      state.progress = { bytesRead: m.bytesRead, total: m.total, waitingMs: m.waitingMs };
      summary.showStatus(state);
      break;
    case 'comparison':
      state.comparison = m.comparison;
      state.sharedLayers = m.comparison.sharedLayers;
      state.error = undefined;
      summary.show(state);
      summary.showStatus(state);
      semantic.show(m.comparison.semantic);
      stacks.draw(state);
      stacks.showSizes(state);
      diff.showCounts();
      // The same tree drawn again: the open folders open, the scroll where it was.
      void diff.load(true).finally(restorePage);
      break;
    case 'error':
      state.error = m.message;
      summary.showStatus(state);
      semantic.show(undefined);
      void diff.load(true);
      restorePage();
      break;
  }
}

diff.showControls();
summary.show(state);
summary.showStatus(state);
void diff.load(false);
channel.post({ type: 'ready' });
