/**
 * How every retry in Strata waits: from `initialMs`, doubling up to `maxMs`, back to the
 * start after a success. Nothing retries at once.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

export class Backoff {
  private delay: number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    this.delay = options.initialMs;
  }

  /** The wait before the next attempt; the one after is twice as long. */
  next(): number {
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxMs);
    return wait;
  }

  reset(): void {
    this.delay = this.options.initialMs;
  }
}

/** A wait that `wake()` ends early (stopping a follower must not wait out its backoff). */
export function wakeableSleep(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake?.(),
  };
}
