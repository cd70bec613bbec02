/**
 * Names a registry lists a page at a time (repositories of its catalog, tags of a
 * repository): the next page by the Link header the registry sent. A registry that
 * answers more than a page (distribution before 3.0 ignores `n` on tags/list) is shown
 * a page at a time too, from what it already sent: a repository with thousands of tags
 * does not draw thousands of nodes at once.
 */
export interface NamesPage {
  names: string[];
  /** The Link header's next page. */
  next?: string;
}

export class PagedNames {
  /** The names shown so far. */
  readonly shown: string[] = [];
  /** Sent by the registry, not shown yet. */
  private held: string[] = [];
  private readonly seen = new Set<string>();
  private next: string | undefined;
  private started = false;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly fetch: (page: string | undefined, pageSize: number) => Promise<NamesPage>,
    private readonly pageSize: () => number,
  ) {}

  get loaded(): boolean {
    return this.started;
  }

  /** Whether the registry has more than is shown. */
  get more(): boolean {
    return this.held.length > 0 || this.next !== undefined;
  }

  /** The first page, once (a node drawn again does not ask again). */
  first(): Promise<void> {
    return this.started ? (this.loading ?? Promise.resolve()) : this.loadMore();
  }

  /** One more page shown: from what the registry sent already, else its next page. One at a time. */
  loadMore(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const size = Math.max(1, this.pageSize());
    if (this.held.length === 0 && (!this.started || this.next !== undefined)) {
      const page = await this.fetch(this.started ? this.next : undefined, size);
      this.started = true;
      this.next = page.next;
      // A registry may list a name again on a later page (a repository pushed meanwhile).
      for (const name of page.names) {
        if (!this.seen.has(name)) {
          this.seen.add(name);
          this.held.push(name);
        }
      }
    }
    this.shown.push(...this.held.splice(0, size));
  }
}
