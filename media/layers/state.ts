/**
 * The panel's one state object: what the host sent (image, steps, analysis, progress,
 * error) and where the user is (the place). The place is saved with the panel's state
 * (vscode.setState), so a window reload brings the user back to it.
 */
import type { AnalysisView, GroupView, ImageView, LayersPanelPlace, LayersPanelState, StepView } from '../../src/protocol/layersProtocol';
import { PlaceStore, savedExpanded, savedOffset } from '../shared/placeStore';
import type { Progress } from '../shared/summaryParts';
import type { VsCodeApi } from './messaging';

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

export function defaultPlace(): LayersPanelPlace {
  return { highlighted: [], mode: 'changes', sort: 'name', filter: '', expanded: [], treeScroll: 0, pageScroll: 0 };
}

/** A saved place, read defensively: it comes back from disk, maybe from an older version. */
export function placeFrom(saved: unknown): LayersPanelPlace {
  const p = (saved ?? {}) as Partial<Record<keyof LayersPanelPlace, unknown>>;
  const index = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  return {
    selected: index(p.selected) ? p.selected : undefined,
    highlighted: Array.isArray(p.highlighted) ? p.highlighted.filter(index) : [],
    mode: p.mode === 'filesystem' ? 'filesystem' : 'changes',
    sort: p.sort === 'size' ? 'size' : 'name',
    filter: typeof p.filter === 'string' ? p.filter : '',
    expanded: savedExpanded(p.expanded),
    treeScroll: savedOffset(p.treeScroll),
    pageScroll: savedOffset(p.pageScroll),
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

/** The Layers panel's state and place, saved (media/shared/placeStore.ts). */
export class Store extends PlaceStore<Omit<LayersPanelState, 'place'>, LayersPanelPlace, UiState> {
  constructor(api: Pick<VsCodeApi, 'getState' | 'setState'>) {
    super(api, { name: ({ key, kind, title }) => ({ key, kind, title }), placeFrom, defaultPlace }, (panel, place) => ({ panel, groups: [], place }));
  }
}
