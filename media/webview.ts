/**
 * The Layers panel's script: draws the image as a stack (base at the bottom), the
 * selected layer's files as a tree fetched one folder at a time, and the wasted paths.
 * Every string from the host came from an image or the engine: it is only ever put in
 * the page as text (textContent), never as HTML.
 */
import type {
  AnalysisView,
  FromWebview,
  GroupView,
  ImageView,
  LayersPanelState,
  StepView,
  ToWebview,
  TreeMode,
  TreeRowView,
  TreeSort,
} from '../src/protocol/layersProtocol';
import { formatBytes } from '../src/engine/format';
import { sizeLabel } from '../src/shared/sizeNames';

declare function acquireVsCodeApi(): {
  postMessage(message: FromWebview): void;
  setState(state: LayersPanelState): void;
  getState(): LayersPanelState | undefined;
};

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

interface UiState {
  image?: ImageView;
  groups: GroupView[];
  analysis?: AnalysisView;
  selected?: number; // layer index
  highlighted: Set<number>;
  mode: TreeMode;
  sort: TreeSort;
  filter: string;
  error?: string;
  progress?: { bytesRead: number; total?: number; waitingMs?: number };
}

const ui: UiState = { groups: [], highlighted: new Set(), mode: 'changes', sort: 'name', filter: '' };

// --- small DOM helpers (text only) ---------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) {
    e.className = className;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function icon(name: string): HTMLElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

function bytes(n: number | undefined): string {
  return n === undefined ? '?' : formatBytes(n);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 2)} %`;
}

/** Block height for a layer: readable at 0 B and at 500 MB in the same stack. */
function blockHeight(size: number): number {
  return Math.round(36 + Math.min(70, 7 * Math.log2(1 + size / 4096)));
}

// --- rendering -------------------------------------------------------------------------

function allSteps(): StepView[] {
  return ui.groups.flatMap((g) => g.steps);
}

function layerCount(): number {
  return allSteps().filter((s) => s.layerIndex !== undefined).length;
}

function render(): void {
  const focusedLayer = (document.activeElement as HTMLElement | null)?.dataset?.layer;
  app.replaceChildren(renderSummary(), renderBody());
  if (focusedLayer !== undefined) {
    (app.querySelector(`[data-layer="${focusedLayer}"]`) as HTMLElement | null)?.focus();
  }
}

function renderSummary(): HTMLElement {
  const header = el('header', 'summary');
  const title = el('div', 'title');
  title.append(icon('layers'), el('h1', undefined, ui.image?.title ?? 'Layers'));
  if (ui.image?.runnable) {
    const run = el('button', 'run');
    run.append(icon('play'), el('span', undefined, 'Run'));
    run.title = 'Run this image, as Strata: Run Image does';
    run.addEventListener('click', () => vscode.postMessage({ type: 'run' }));
    title.append(run);
  }
  header.append(title);

  const facts = el('dl', 'facts');
  const fact = (name: string, value: string, id?: string) => {
    const d = el('div', 'fact');
    if (id) {
      d.id = id;
    }
    d.append(el('dt', undefined, name), el('dd', undefined, value));
    facts.append(d);
  };
  const a = ui.analysis;
  // The engine's figures first, each under its one name; then the analysis's own.
  const sizes = ui.image?.sizes;
  if (sizes) {
    fact(sizeLabel('unpacked'), bytes(sizes.unpacked), 'size-unpacked');
    if (sizes.content !== undefined) {
      fact(sizeLabel('content'), bytes(sizes.content), 'size-content');
    }
    if (sizes.shared !== undefined) {
      fact(sizeLabel('shared'), bytes(sizes.shared), 'size-shared');
    }
  }
  fact(sizeLabel('files'), a ? bytes(a.sizeBytes) : '…', 'size-files');
  const platform = a?.platform ?? ui.image?.platform;
  if (ui.image?.platforms || (a && a.attestations.length)) {
    const others = (ui.image?.platforms ?? []).filter((p) => p !== platform);
    const attested = a?.attestations.length ? `; ${a.attestations.length} attestation${a.attestations.length === 1 ? '' : 's'} (${[...new Set(a.attestations)].join(', ')}), not layers` : '';
    fact('Platform', `${platform ?? '?'}${others.length ? ` (also ${others.join(', ')})` : ''}${attested}`, 'platform');
  }
  fact('Layers', String(a?.layers.length ?? layerCount()));
  // Four decimals, as dive prints it: 99.9996 % is not 100 %.
  fact('Efficiency', a ? `${(a.efficiency * 100).toFixed(4)} %` : '…', 'efficiency');
  fact('Wasted', a ? `${bytes(a.wastedBytes)} (${percent(a.wastedUserPercent)} of user size)` : '…', 'wasted');
  fact('Built on', ui.image?.builtOn ?? '—');
  header.append(facts);

  const labels = Object.entries(ui.image?.labels ?? {});
  if (labels.length) {
    const details = el('details', 'labels');
    details.append(el('summary', undefined, `Labels (${labels.length})`));
    const list = el('dl');
    for (const [k, v] of labels) {
      list.append(el('dt', undefined, k), el('dd', undefined, v));
    }
    details.append(list);
    header.append(details);
  }
  if (ui.error) {
    const err = el('div', 'error');
    err.setAttribute('role', 'alert');
    err.append(icon('error'), el('span', undefined, ui.error));
    const retry = el('button', undefined, 'Retry');
    retry.addEventListener('click', () => {
      ui.error = undefined;
      vscode.postMessage({ type: 'retry' });
      render();
    });
    err.append(retry);
    header.append(err);
  } else if (!ui.analysis && ui.progress) {
    const p = ui.progress;
    header.append(
      el(
        'div',
        'progress',
        p.bytesRead === 0 && p.waitingMs
          ? `Waiting for the engine to start sending the image… ${Math.round(p.waitingMs / 1000)} s`
          : `Reading the image: ${bytes(p.bytesRead)}${p.total ? ` of about ${bytes(p.total)}` : ''}…`,
      ),
    );
  }
  return header;
}

function renderBody(): HTMLElement {
  const body = el('main', 'body');
  body.append(renderStack(), renderDetails());
  return body;
}

const BAND_COLOURS = ['blue', 'green', 'purple', 'orange', 'yellow', 'red'];

function renderStack(): HTMLElement {
  const stack = el('section', 'stack');
  stack.setAttribute('aria-label', 'Layers, base at the bottom');
  const top = el('div', 'stack-top', 'application');
  const bottom = el('div', 'stack-bottom', 'base');
  const column = el('div', 'stack-column');
  let bandIndex = 0;
  ui.groups.forEach((group) => {
    const g = el('div', `group${group.base ? ` band band-${BAND_COLOURS[bandIndex++ % BAND_COLOURS.length]}` : ' own'}`);
    const label = el('div', 'group-label', group.base ? `from ${group.base}` : 'this image');
    g.append(label);
    const steps = el('div', 'steps');
    for (const step of group.steps) {
      steps.append(step.layerIndex === undefined ? renderMarker(step) : renderBlock(step));
    }
    g.append(steps);
    column.append(g);
  });
  stack.append(top, column, bottom);
  return stack;
}

function renderMarker(step: StepView): HTMLElement {
  const m = el('div', 'marker');
  m.title = step.createdBy || step.text;
  m.append(icon('symbol-property'), el('span', 'marker-text', step.text));
  return m;
}

function layerStat(index: number) {
  return ui.analysis?.layers[index];
}

function renderBlock(step: StepView): HTMLElement {
  const index = step.layerIndex as number;
  const stat = layerStat(index);
  const size = stat?.size ?? step.size;
  const b = el('button', 'block');
  b.dataset.layer = String(index);
  b.style.height = `${blockHeight(size)}px`;
  if (ui.selected === index) {
    b.classList.add('selected');
    b.setAttribute('aria-pressed', 'true');
  }
  if (ui.highlighted.has(index)) {
    b.classList.add('highlighted');
  }
  b.title = step.createdBy || step.text;
  const line = el('span', 'block-line');
  line.append(el('span', 'block-index', `#${index + 1}`), el('span', 'block-text', step.text));
  const meta = el('span', 'block-meta', bytes(size));
  if (stat) {
    meta.textContent = `${bytes(size)} · +${stat.added} ~${stat.modified} −${stat.removed}`;
  }
  b.append(line, meta);
  b.addEventListener('click', () => select(index));
  b.addEventListener('keydown', (e) => {
    // Up goes towards the application (the stack is drawn bottom-up).
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const next = index + (e.key === 'ArrowUp' ? 1 : -1);
      if (next >= 0 && next < layerCount()) {
        select(next);
      }
    }
  });
  return b;
}

function select(index: number): void {
  ui.selected = index;
  render();
  (app.querySelector(`[data-layer="${index}"]`) as HTMLElement | null)?.focus();
  void loadTree();
}

function renderDetails(): HTMLElement {
  const d = el('section', 'details');
  const step = allSteps().find((s) => s.layerIndex === ui.selected);
  if (ui.selected === undefined || !step) {
    d.append(el('p', 'hint', 'Select a layer to see its files. Up and Down arrows move through the stack.'));
    d.append(renderWasted());
    return d;
  }
  const stat = layerStat(ui.selected);
  const head = el('div', 'layer-head');
  head.append(el('h2', undefined, `Layer ${ui.selected + 1}`));
  const code = el('pre', 'step', step.createdBy || step.text);
  head.append(code);
  const facts = el('dl', 'layer-facts');
  const fact = (k: string, v: string) => facts.append(el('dt', undefined, k), el('dd', undefined, v));
  fact('Size', bytes(stat?.size ?? step.size));
  if (step.created) {
    fact('Created', new Date(step.created).toLocaleString());
  }
  if (step.diffId) {
    fact('Diff ID', step.diffId);
  }
  if (stat) {
    fact('Changes', `${stat.added} added, ${stat.modified} modified, ${stat.removed} removed`);
  }
  head.append(facts);
  d.append(head, renderTreeControls(), treeContainer);
  d.append(renderWasted());
  return d;
}

function selectBox(label: string, choices: Array<[string, string]>, current: string, onChange: (value: string) => void): HTMLSelectElement {
  const select = el('select');
  select.setAttribute('aria-label', label);
  for (const [value, text] of choices) {
    const o = el('option', undefined, text);
    o.value = value;
    o.selected = current === value;
    select.append(o);
  }
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

function renderTreeControls(): HTMLElement {
  const bar = el('div', 'tree-controls');
  const mode = selectBox('What to show', [
    ['changes', 'Changes in this layer'],
    ['filesystem', 'Whole filesystem up to this layer'],
  ], ui.mode, (value) => {
    ui.mode = value as TreeMode;
    void loadTree();
  });
  const sort = selectBox('Sort', [
    ['name', 'Sort by name'],
    ['size', 'Sort by size'],
  ], ui.sort, (value) => {
    ui.sort = value as TreeSort;
    void loadTree();
  });
  const filter = el('input');
  filter.type = 'search';
  filter.placeholder = 'Filter paths';
  filter.setAttribute('aria-label', 'Filter paths');
  filter.value = ui.filter;
  let timer: number | undefined;
  filter.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      ui.filter = filter.value;
      void loadTree();
    }, 150);
  });
  bar.append(mode, sort, filter);
  return bar;
}

function renderWasted(): HTMLElement {
  const w = el('section', 'wasted');
  w.append(el('h2', undefined, 'Wasted space'));
  const a = ui.analysis;
  if (!a) {
    w.append(el('p', 'hint', ui.error ? 'Not available.' : 'Analysing the image…'));
    return w;
  }
  if (a.wastedPaths.length === 0) {
    w.append(el('p', 'hint', 'No path is written by more than one layer.'));
    return w;
  }
  const list = el('ol', 'wasted-list');
  for (const p of a.wastedPaths) {
    const li = el('li');
    const b = el('button', 'wasted-path');
    b.append(el('span', 'wasted-size', bytes(p.size)), el('span', 'wasted-count', `${p.count}×`), el('span', 'wasted-name', p.path));
    b.title = `Touched by layers ${p.layers.map((l) => l + 1).join(', ')}: select to see them`;
    b.addEventListener('click', () => {
      ui.highlighted = new Set(p.layers);
      ui.filter = p.path.replace(/^\//, '');
      ui.mode = 'changes';
      select(p.layers[p.layers.length - 1]);
    });
    li.append(b);
    list.append(li);
  }
  w.append(list);
  return w;
}

// --- the file tree, one folder at a time --------------------------------------------------

const treeContainer = el('div', 'tree');
treeContainer.setAttribute('role', 'tree');
treeContainer.setAttribute('aria-label', 'Files');
let nextRequest = 1;
const pending = new Map<number, (rows: TreeRowView[]) => void>();

function listChildren(path: string): Promise<TreeRowView[]> {
  const requestId = nextRequest++;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    vscode.postMessage({ type: 'listChildren', requestId, layer: ui.selected as number, mode: ui.mode, path, sort: ui.sort, filter: ui.filter });
  });
}

const CHANGE_MARK: Record<string, [string, string]> = {
  added: ['A', 'added'],
  modified: ['M', 'modified'],
  removed: ['D', 'removed'],
};

function renderRows(rows: TreeRowView[], depth: number, into: HTMLElement): void {
  // Render lazily: a folder of 50,000 entries is drawn in slices as the user scrolls.
  const SLICE = 500;
  let shown = 0;
  const more = el('button', 'more');
  const drawSlice = () => {
    for (const row of rows.slice(shown, shown + SLICE)) {
      into.insertBefore(renderRow(row, depth), more.isConnected ? more : null);
    }
    shown = Math.min(rows.length, shown + SLICE);
    if (shown < rows.length) {
      more.textContent = `Show ${Math.min(SLICE, rows.length - shown)} more of ${rows.length - shown}…`;
      if (!more.isConnected) {
        into.append(more);
      }
    } else {
      more.remove();
    }
  };
  more.addEventListener('click', drawSlice);
  drawSlice();
  if (rows.length === 0 && depth === 0) {
    into.append(el('p', 'hint', ui.filter ? 'No path matches the filter.' : 'This layer changes no files.'));
  }
}

function renderRow(row: TreeRowView, depth: number): HTMLElement {
  const wrap = el('div', 'node');
  const r = el('div', `row${row.change ? ` change-${row.change}` : ''}`);
  r.setAttribute('role', 'treeitem');
  r.tabIndex = 0;
  r.style.paddingLeft = `${8 + depth * 14}px`;
  const isFolder = row.childCount > 0;
  const twist = icon(isFolder ? 'chevron-right' : 'blank');
  twist.classList.add('twistie');
  const kind = icon(row.type === 'dir' ? 'folder' : row.type === 'symlink' ? 'file-symlink-file' : row.type === 'hardlink' ? 'references' : 'file');
  const name = el('span', 'name', row.name);
  const mark = row.change ? el('span', `mark mark-${row.change}`, CHANGE_MARK[row.change][0]) : el('span', 'mark');
  if (row.change) {
    mark.title = CHANGE_MARK[row.change][1];
  }
  r.append(twist, kind, name);
  if (row.linkTarget) {
    r.append(el('span', 'link', `→ ${row.linkTarget}`));
  }
  r.append(el('span', 'size', bytes(row.size)), mark);
  const children = el('div', 'children');
  children.setAttribute('role', 'group');
  let open = false;
  const toggle = async () => {
    if (!isFolder) {
      return;
    }
    open = !open;
    r.setAttribute('aria-expanded', String(open));
    twist.className = `codicon codicon-${open ? 'chevron-down' : 'chevron-right'} twistie`;
    children.replaceChildren();
    if (open) {
      renderRows(await listChildren(row.path), depth + 1, children);
    }
  };
  if (isFolder) {
    r.setAttribute('aria-expanded', 'false');
  }
  r.addEventListener('click', () => void toggle());
  r.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ' || (e.key === 'ArrowRight' && !open) || (e.key === 'ArrowLeft' && open)) {
      e.preventDefault();
      void toggle();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const rows = [...treeContainer.querySelectorAll<HTMLElement>('.row')];
      rows[rows.indexOf(r) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    }
  });
  wrap.append(r, children);
  return wrap;
}

async function loadTree(): Promise<void> {
  if (ui.selected === undefined || !ui.analysis) {
    treeContainer.replaceChildren(el('p', 'hint', ui.analysis ? '' : 'The files appear when the analysis is done.'));
    return;
  }
  const rows = await listChildren('');
  treeContainer.replaceChildren();
  renderRows(rows, 0, treeContainer);
}

// --- messages -----------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      vscode.setState(m.state);
      ui.image = m.image;
      ui.groups = m.groups;
      render();
      break;
    case 'progress':
      ui.progress = { bytesRead: m.bytesRead, total: m.total, waitingMs: m.waitingMs };
      render();
      break;
    case 'analysis':
      ui.analysis = m.analysis;
      ui.error = undefined;
      render();
      void loadTree();
      break;
    case 'error':
      ui.error = m.message;
      render();
      break;
    case 'children':
      pending.get(m.requestId)?.(m.rows);
      pending.delete(m.requestId);
      break;
  }
});

render();
vscode.postMessage({ type: 'ready' });
