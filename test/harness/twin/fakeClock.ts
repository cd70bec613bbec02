/**
 * A clock a test moves by hand, for code that waits (a debounce, a batch's interval):
 * `advance(ms)` runs each timer that falls due, in time order, with `now()` at its due
 * time. A test then says how much time passes instead of sleeping and hoping the machine
 * kept up.
 */
export class FakeClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (timer: unknown): void => {
    this.timers.delete(timer as number);
  };

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      // The earliest due, and of those the first set, as real timers run.
      const [due] = [...this.timers].filter(([, t]) => t.at <= end).sort(([a, ta], [b, tb]) => ta.at - tb.at || a - b);
      if (!due) {
        break;
      }
      const [id, { at, fn }] = due;
      this.timers.delete(id);
      this.time = at;
      fn();
    }
    this.time = end;
  }
}
