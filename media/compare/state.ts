/**
 * The Compare panel's one state object: what the host sent (both images, the comparison,
 * progress, error) and where the user is (the place: the tree's query, open folders and
 * scroll). The place is saved with the panel's state (vscode.setState), so a window reload
 * brings the user back to it.
 */
import type { ChangeKind, ComparePanelPlace, ComparePanelState, ComparisonView, SideView } from '../../src/protocol/compareProtocol';
import { PlaceStore, savedExpanded, savedOffset } from '../shared/placeStore';
import type { WebviewApi } from '../shared/requestChannel';
import type { Progress } from '../shared/summaryParts';

export interface UiState {
  /** What names the panel for the host's serializer; known from `init` or from the saved state. */
  panel?: Omit<ComparePanelState, 'place'>;
  a?: SideView;
  b?: SideView;
  /** Layers both share from the base up (the engine's count first, the analysis's once read). */
  sharedLayers: number;
  comparison?: ComparisonView;
  error?: string;
  progress?: Progress;
  place: ComparePanelPlace;
}

export const KINDS: ChangeKind[] = ['added', 'removed', 'modified'];

export function defaultPlace(): ComparePanelPlace {
  return { sort: 'delta', filter: '', kinds: [...KINDS], expanded: [], treeScroll: 0, pageScroll: 0 };
}

/** A saved place, read defensively: it comes back from disk, maybe from an older version. */
export function placeFrom(saved: unknown): ComparePanelPlace {
  const p = (saved ?? {}) as Partial<Record<keyof ComparePanelPlace, unknown>>;
  return {
    sort: p.sort === 'name' || p.sort === 'size' ? p.sort : 'delta',
    filter: typeof p.filter === 'string' ? p.filter : '',
    kinds: Array.isArray(p.kinds) ? KINDS.filter((k) => (p.kinds as unknown[]).includes(k)) : [...KINDS],
    expanded: savedExpanded(p.expanded),
    treeScroll: savedOffset(p.treeScroll),
    pageScroll: savedOffset(p.pageScroll),
  };
}

export type CompareApi = WebviewApi<unknown, ComparePanelState>;

/** The Compare panel's state and place, saved (media/shared/placeStore.ts). */
export class Store extends PlaceStore<Omit<ComparePanelState, 'place'>, ComparePanelPlace, UiState> {
  constructor(api: Pick<CompareApi, 'getState' | 'setState'>) {
    super(api, { name: ({ key, a, b }) => ({ key, a, b }), placeFrom, defaultPlace }, (panel, place) => ({ panel, sharedLayers: 0, place }));
  }
}
