/**
 * The Layers panel's script (bundled as dist/webview.js): draws the image as a stack
 * (base at the bottom), the selected layer's files as a tree fetched one folder at a
 * time, the wasted paths and the secrets left in layers. The page is built once; each message from the host
 * updates the part it concerns, and the user's place (layer, tree controls, open
 * folders, scroll) is kept in the state and saved with the panel.
 * Every string from the host came from an image or the engine: it is only ever put in
 * the page as text (textContent), never as HTML.
 */
import type { SecretView, TreeMode, TreeSort, WastedPathView } from '../../src/protocol/layersProtocol';
import { el, trackHeight } from '../shared/dom';
import { vscodeApi } from '../shared/requestChannel';
import { FileTreeView } from './fileTree';
import { LayerDetails } from './layerDetails';
import { Messaging, type Notice, type VsCodeApi } from './messaging';
import { Packages } from './packages';
import { SecretsSection } from './secrets';
import { Stack } from './stack';
import { Store, stepOfLayer } from './state';
import { Summary } from './summary';
import { WastedSpace } from './wastedSpace';

const api = vscodeApi<VsCodeApi>();
const store = new Store(api);
const state = store.state;
const messaging = new Messaging(api, receive);

const summary = new Summary({
  run: () => messaging.post({ type: 'run' }),
  retry: () => {
    state.error = undefined;
    messaging.post({ type: 'retry' });
    summary.showStatus(state);
    packages.show(state);
    wasted.show(state);
    secrets.show(state);
  },
});
const stack = new Stack({ select });
const tree = new FileTreeView(
  {
    listChildren: (query, path) => messaging.listChildren(query, path),
    expanded: (path, open) => store.setExpanded(path, open),
    scrolled: (top) => store.setTreeScroll(top),
    // A file opens in an editor as the selected layer has it (strata.layerFile.open).
    activate: (row) => state.place.selected !== undefined && messaging.post({ type: 'openFile', layer: state.place.selected, path: row.path }),
  },
  () => state.place,
  () => state.panel,
);
const details = new LayerDetails({ setMode, setSort, setFilter, openDockerfile: (file, line) => messaging.post({ type: 'openDockerfile', file, line }) }, tree.element);
const wasted = new WastedSpace({ showWasted });
const secrets = new SecretsSection({ showSecret });
const packages = new Packages();

const detailsSection = el('section', 'details');
detailsSection.append(details.element, secrets.element, packages.element, wasted.element);
const body = el('main', 'body');
body.append(stack.element, detailsSection);
(document.getElementById('app') as HTMLElement).replaceChildren(summary.element, body);
// The stack stays in view beside the details as they scroll (layers.css), below the summary.
trackHeight(summary.element, '--summary-height');

// The page's own scroll is part of the place too, put back once the tree is drawn.
const restorePage = store.keepPageScroll();

// --- what the user does ---------------------------------------------------------------

function select(index: number): void {
  state.place.selected = index;
  store.save();
  stack.showSelection(state.place);
  stack.focus(index);
  details.show(state);
  packages.show(state);
  void tree.load(state, false);
}

function setMode(mode: TreeMode): void {
  state.place.mode = mode;
  store.save();
  void tree.load(state, false);
}

function setSort(sort: TreeSort): void {
  state.place.sort = sort;
  store.save();
  void tree.load(state, false);
}

function setFilter(filter: string): void {
  state.place.filter = filter;
  store.save();
  void tree.load(state, false);
}

function showWasted(p: WastedPathView): void {
  state.place.highlighted = [...p.layers];
  state.place.filter = p.path.replace(/^\//, '');
  state.place.mode = 'changes';
  details.showControls(state.place);
  select(p.layers[p.layers.length - 1]);
}

function showSecret(s: SecretView): void {
  state.place.highlighted = [s.layer];
  state.place.filter = s.path.replace(/^\//, '');
  state.place.mode = 'changes';
  details.showControls(state.place);
  select(s.layer);
}

// --- what the host sends --------------------------------------------------------------

function receive(m: Notice): void {
  switch (m.type) {
    case 'init':
      if (store.adopt(m.state)) {
        details.showControls(state.place);
      }
      state.image = m.image;
      state.groups = m.groups;
      summary.showImage(state);
      stack.setGroups(state.groups);
      stack.showSizes(state);
      stack.showSelection(state.place);
      details.show(state);
      break;
    case 'progress':
      state.progress = { bytesRead: m.bytesRead, total: m.total, waitingMs: m.waitingMs };
      summary.showStatus(state);
      break;
    case 'analysis': {
      state.analysis = m.analysis;
      state.error = undefined;
      // A place saved for a layer this image does not have (it was rebuilt) is dropped.
      const count = m.analysis.layers.length;
      if (state.place.selected !== undefined && state.place.selected >= count) {
        state.place.selected = undefined;
      }
      state.place.highlighted = state.place.highlighted.filter((i) => i < count);
      store.save();
      summary.showImage(state);
      summary.showStatus(state);
      stack.showSizes(state);
      stack.showSelection(state.place);
      details.show(state);
      packages.show(state);
      wasted.show(state);
      secrets.show(state);
      // The same tree drawn again: the open folders open, the scroll where it was.
      void tree.load(state, true).finally(restorePage);
      break;
    }
    case 'select':
      if (stepOfLayer(state, m.layer)) {
        select(m.layer);
      }
      break;
    case 'error':
      state.error = m.message;
      summary.showStatus(state);
      packages.show(state);
      wasted.show(state);
      secrets.show(state);
      restorePage();
      break;
  }
}

details.showControls(state.place);
summary.showImage(state);
summary.showStatus(state);
packages.show(state);
wasted.show(state);
secrets.show(state);
void tree.load(state, false);
messaging.post({ type: 'ready' });
