/**
 * The panel's one state object: what the host sent (image, steps, analysis, progress,
 * error) and where the user is (the place). The place is saved with the panel's state
 * (vscode.setState), so a window reload brings the user back to it.
 */
import type { AnalysisView, GroupView, ImageView, LayersPanelPlace, LayersPanelState, StepView } from '../../src/protocol/layersProtocol';
import type { VsCodeApi } from './messaging';

export interface Progress {
  bytesRead: number;
  total?: number;
  waitingMs?: number;
}

export interface UiState {
  /** What names the panel for the host's serializer; known from `init` or from the saved state. */
  panel?: Omit<LayersPanelState, 'place'>;
  image?: ImageView;
  groups: GroupView[];
  analysis?: AnalysisView;
  error?: string;
  progress?: Progress;
  place: LayersPanelPlace;
}

/** Open folders remembered, at most (the most recently opened are kept). */
const MAX_EXPANDED = 200;

export function defaultPlace(): LayersPanelPlace {
  return { highlighted: [], mode: 'changes', sort: 'name', filter: '', expanded: [], treeScroll: 0, pageScroll: 0 };
}

/** A saved place, read defensively: it comes back from disk, maybe from an older version. */
export function placeFrom(saved: unknown): LayersPanelPlace {
  const p = (saved ?? {}) as Partial<Record<keyof LayersPanelPlace, unknown>>;
  const index = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  const offset = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
  return {
    selected: index(p.selected) ? p.selected : undefined,
    highlighted: Array.isArray(p.highlighted) ? p.highlighted.filter(index) : [],
    mode: p.mode === 'filesystem' ? 'filesystem' : 'changes',
    sort: p.sort === 'size' ? 'size' : 'name',
    filter: typeof p.filter === 'string' ? p.filter : '',
    expanded: Array.isArray(p.expanded) ? p.expanded.filter((x): x is string => typeof x === 'string').slice(-MAX_EXPANDED) : [],
    treeScroll: offset(p.treeScroll),
    pageScroll: offset(p.pageScroll),
  };
}

export function allSteps(state: UiState): StepView[] {
  return state.groups.flatMap((g) => g.steps);
}

export function stepOfLayer(state: UiState, layer: number | undefined): StepView | undefined {
  return layer === undefined ? undefined : allSteps(state).find((s) => s.layerIndex === layer);
}

export function layerCount(state: UiState): number {
  return state.analysis?.layers.length ?? allSteps(state).filter((s) => s.layerIndex !== undefined).length;
}

/** Holds the state and saves the place. */
export class Store {
  readonly state: UiState;
  private saveTimer: number | undefined;

  constructor(private readonly api: Pick<VsCodeApi, 'getState' | 'setState'>) {
    const saved = api.getState();
    this.state = {
      panel: saved?.key ? { key: saved.key, kind: saved.kind, title: saved.title } : undefined,
      groups: [],
      place: placeFrom(saved?.place),
    };
  }

  /** The host named the panel (init): a place saved for another image does not apply. Says whether the place was reset. */
  adopt(panel: LayersPanelState): boolean {
    const { key, kind, title } = panel;
    const reset = this.state.panel !== undefined && this.state.panel.key !== key;
    if (reset) {
      this.state.place = defaultPlace();
    }
    this.state.panel = { key, kind, title };
    this.save();
    return reset;
  }

  setExpanded(path: string, open: boolean): void {
    const expanded = this.state.place.expanded.filter((p) => p !== path);
    if (open) {
      expanded.push(path);
    }
    this.state.place.expanded = expanded.slice(-MAX_EXPANDED);
    this.save();
  }

  /** Saves now: a selection, a filter, a folder opened. */
  save(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.state.panel) {
      this.api.setState({ ...this.state.panel, place: this.state.place });
    }
  }

  /** Saves shortly: scrolling reports many positions a second, the last one is enough. */
  saveSoon(): void {
    if (this.saveTimer === undefined) {
      this.saveTimer = window.setTimeout(() => this.save(), 100);
    }
  }
}
