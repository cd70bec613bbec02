/**
 * The Compare panel's one state object: what the host sent (both images, the comparison,
 * progress, error) and where the user is (the place: the tree's query, open folders and
 * scroll). The place is saved with the panel's state (vscode.setState), so a window reload
 * brings the user back to it.
 */
import type { ChangeKind, ComparePanelPlace, ComparePanelState, ComparisonView, SideView } from '../../src/protocol/compareProtocol';
import type { WebviewApi } from '../shared/requestChannel';

export interface UiState {
  /** What names the panel for the host's serializer; known from `init` or from the saved state. */
  panel?: Omit<ComparePanelState, 'place'>;
  a?: SideView;
  b?: SideView;
  /** Layers both share from the base up (the engine's count first, the analysis's once read). */
  sharedLayers: number;
  comparison?: ComparisonView;
  error?: string;
  progress?: { bytesRead: number; total?: number; waitingMs?: number };
  place: ComparePanelPlace;
}

export const KINDS: ChangeKind[] = ['added', 'removed', 'modified'];

/** Open folders remembered, at most (the most recently opened are kept). */
const MAX_EXPANDED = 200;

export function defaultPlace(): ComparePanelPlace {
  return { sort: 'delta', filter: '', kinds: [...KINDS], expanded: [], treeScroll: 0, pageScroll: 0 };
}

/** A saved place, read defensively: it comes back from disk, maybe from an older version. */
export function placeFrom(saved: unknown): ComparePanelPlace {
  const p = (saved ?? {}) as Partial<Record<keyof ComparePanelPlace, unknown>>;
  const offset = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
  return {
    sort: p.sort === 'name' || p.sort === 'size' ? p.sort : 'delta',
    filter: typeof p.filter === 'string' ? p.filter : '',
    kinds: Array.isArray(p.kinds) ? KINDS.filter((k) => (p.kinds as unknown[]).includes(k)) : [...KINDS],
    expanded: Array.isArray(p.expanded) ? p.expanded.filter((x): x is string => typeof x === 'string').slice(-MAX_EXPANDED) : [],
    treeScroll: offset(p.treeScroll),
    pageScroll: offset(p.pageScroll),
  };
}

export type CompareApi = WebviewApi<unknown, ComparePanelState>;

/** Holds the state and saves the place. */
export class Store {
  readonly state: UiState;
  private saveTimer: number | undefined;

  constructor(private readonly api: Pick<CompareApi, 'getState' | 'setState'>) {
    const saved = api.getState();
    this.state = {
      panel: saved?.key ? { key: saved.key, a: saved.a, b: saved.b } : undefined,
      sharedLayers: 0,
      place: placeFrom(saved?.place),
    };
  }

  /** The host named the panel (init): a place saved for another pair does not apply. Says whether the place was reset. */
  adopt(panel: ComparePanelState): boolean {
    const { key, a, b } = panel;
    const reset = this.state.panel !== undefined && this.state.panel.key !== key;
    if (reset) {
      this.state.place = defaultPlace();
    }
    this.state.panel = { key, a, b };
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
