/**
 * A panel's one state object, and the saving of where the user is (the place) with the
 * panel's state (vscode.setState), so a window reload brings the user back to it. Both
 * panels keep their place this way; each says what its place and its name are.
 */
import type { WebviewApi } from './requestChannel';

/** What every panel's place holds: its tree's open folders, the tree's scroll and the page's. */
export interface PlaceBase {
  expanded: string[];
  treeScroll: number;
  pageScroll: number;
}

/** Open folders remembered, at most (the most recently opened are kept). */
const MAX_EXPANDED = 200;

/** A saved place's open folders, read defensively: it comes back from disk, maybe from an older version. */
export function savedExpanded(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((p): p is string => typeof p === 'string').slice(-MAX_EXPANDED) : [];
}

/** A saved scroll offset, read defensively. */
export function savedOffset(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0;
}

/** A panel's own rules for its place and its name. */
export interface PlaceRules<Name, Place> {
  /** What names the panel for the host's serializer, out of a saved state or `init` (the place left out). */
  name(state: Name): Name;
  /** A saved place, read defensively. */
  placeFrom(saved: unknown): Place;
  defaultPlace(): Place;
}

/** Holds the state and saves the place. */
export class PlaceStore<Name extends { key: string }, Place extends PlaceBase, State extends { panel?: Name; place: Place }> {
  readonly state: State;
  private saveTimer: number | undefined;

  constructor(
    private readonly api: Pick<WebviewApi<unknown, Name & { place?: Place }>, 'getState' | 'setState'>,
    private readonly rules: PlaceRules<Name, Place>,
    /** The state before the host says anything, given the saved name and place. */
    initial: (panel: Name | undefined, place: Place) => State,
  ) {
    const saved = api.getState();
    this.state = initial(saved?.key ? rules.name(saved) : undefined, rules.placeFrom(saved?.place));
  }

  /** The host named the panel (init): a place saved for another panel's subject does not apply. Says whether the place was reset. */
  adopt(panel: Name): boolean {
    const name = this.rules.name(panel);
    const reset = this.state.panel !== undefined && this.state.panel.key !== name.key;
    if (reset) {
      this.state.place = this.rules.defaultPlace();
    }
    this.state.panel = name;
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

  /** The tree was scrolled (or drawn at a scroll). */
  setTreeScroll(top: number): void {
    if (this.state.place.treeScroll !== top) {
      this.state.place.treeScroll = top;
      this.saveSoon();
    }
  }

  /**
   * Keeps the page's own scroll in the place too. Until the saved one is put back (once
   * the tree is drawn), the page's scrolls are not the user's; the function returned puts
   * it back, once.
   */
  keepPageScroll(): () => void {
    let restored = this.state.place.pageScroll === 0;
    window.addEventListener(
      'scroll',
      () => {
        if (restored) {
          this.state.place.pageScroll = document.scrollingElement?.scrollTop ?? 0;
          this.saveSoon();
        }
      },
      { passive: true },
    );
    return () => {
      if (!restored) {
        restored = true;
        document.scrollingElement?.scrollTo({ top: this.state.place.pageScroll });
      }
    };
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
