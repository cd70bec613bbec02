/**
 * Runs the variants of one case in turns (Strata, raw, CLI, then again, starting one
 * further each round), so that drift on a shared machine (another build, the page cache,
 * the engine's own caches warming) falls on all of them alike instead of on whichever
 * ran last.
 */
import { performance } from 'perf_hooks';

/** One timed run; returns the milliseconds of the part that counts (setup may come before). */
export type Run = () => Promise<number>;

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function interleave<K extends string>(runs: number, variants: Record<K, Run>, warmups = 2): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  // Warm-ups load code paths, open keep-alive connections and fill the engine's caches.
  for (let w = 0; w < warmups; w++) {
    for (const name of names) {
      await variants[name]();
    }
  }
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      samples[name].push(await variants[name]());
    }
  }
  return samples;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
