/**
 * Case 3: how long after a `docker tag` the new name is in Strata's data. Strata keeps
 * GET /events open (EngineEvents); an image event refreshes the list, debounced 50 ms as
 * the extension's LiveUpdates does. The floor reacts to the same stream with bare http
 * and no debounce. The tag is made through the API, and, separately, by `docker tag`.
 */
import { performance } from 'perf_hooks';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { EngineEvents } from '../../../src/engine/streams/engineEvents';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { docker } from '../dockerCli';
import { interleave, sleep } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, summarize } from '../stats';

export const LATENCY_GOAL_MS = 300;
/** The extension's refresh debounce (src/views/liveUpdates.ts). */
export const EXTENSION_DEBOUNCE_MS = 50;
const GIVE_UP_MS = 10_000;

/** Something that sees the engine's events and says when a reference has appeared. */
interface Watcher {
  /** Resolves with performance.now() once a list holding `reference` has come back. */
  waitFor(reference: string, debounceMs: number): Promise<number>;
  stop(): void;
}

interface Pending {
  reference: string;
  debounceMs: number;
  resolve: (at: number) => void;
}

/**
 * The one run waiting for a name. Watchers only react while a run waits, so one
 * pipeline's refreshes never land in another's run.
 */
class Waiting {
  pending: Pending | undefined;

  wait(reference: string, debounceMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`no list held ${reference} within ${GIVE_UP_MS} ms`));
      }, GIVE_UP_MS);
      this.pending = {
        reference,
        debounceMs,
        resolve: (at) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(at);
        },
      };
    });
  }
}

/** Strata's pipeline: EngineEvents → (debounce) → ImageIndex.list(). */
async function strataWatcher(engine: DockerEngine): Promise<Watcher> {
  const index = new ImageIndex({ engine: engine });
  const state = new Waiting();
  let timer: NodeJS.Timeout | undefined;
  // A failed list leaves the run waiting; it then times out with a message that says so.
  const refresh = async () => {
    const images = await index.list().catch(() => []);
    const p = state.pending;
    if (p && images.some((i) => i.repoTags.includes(p.reference))) {
      p.resolve(performance.now());
    }
  };
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const events = new EngineEvents(engine, {
    onEvent: (event) => {
      const p = state.pending;
      if (!p || event.type !== 'image') {
        return;
      }
      clearTimeout(timer);
      if (p.debounceMs > 0) {
        timer = setTimeout(() => void refresh(), p.debounceMs);
      } else {
        void refresh();
      }
    },
    onConnected: () => connected(),
  });
  events.start();
  await ready;
  return {
    waitFor: (r, d) => state.wait(r, d),
    stop: () => {
      events.stop();
      clearTimeout(timer);
    },
  };
}

/** The floor: the same stream read with bare http, the list asked at once. */
async function rawWatcher(raw: RawEngine): Promise<Watcher> {
  const state = new Waiting();
  const close = await raw.events((event) => {
    const p = state.pending;
    if (!p || event.Action !== 'tag') {
      return;
    }
    void raw
      .listImages()
      .catch(() => [])
      .then((images) => {
        if (state.pending === p && images.some((i) => (i.RepoTags ?? []).includes(p.reference))) {
          p.resolve(performance.now());
        }
      });
  });
  return { waitFor: (r) => state.wait(r, 0), stop: close };
}

type Tagger = (id: string, repository: string, tag: string) => Promise<void>;

export async function benchEventLatency(engine: DockerEngine, raw: RawEngine, id: string, repository: string, runs: number): Promise<CaseResult[]> {
  const strata = await strataWatcher(engine);
  const floor = await rawWatcher(raw);
  const byApi: Tagger = (i, r, t) => raw.tag(i, r, t);
  const byCli: Tagger = async (i, r, t) => void (await docker(['tag', i, `${r}:${t}`]));
  let n = 0;
  /** Tags, waits until the watcher's list holds the name, untags; the time is tag → list. */
  const run = (watcher: Watcher, tagger: Tagger, debounceMs: number) => async () => {
    const tag = `latency-${process.pid}-${++n}`;
    const reference = `${repository}:${tag}`;
    const seen = watcher.waitFor(reference, debounceMs);
    // If the tag itself fails, that error is the one to report, not a later time-out.
    seen.catch(() => undefined);
    const start = performance.now();
    await tagger(id, repository, tag);
    const elapsed = (await seen) - start;
    await raw.untag(reference);
    // Lets the untag event go by while nobody is armed.
    await sleep(100);
    return elapsed;
  };
  try {
    const samples = await interleave(runs, {
      apiDebounced: run(strata, byApi, EXTENSION_DEBOUNCE_MS),
      cliDebounced: run(strata, byCli, EXTENSION_DEBOUNCE_MS),
      apiImmediate: run(strata, byApi, 0),
      cliImmediate: run(strata, byCli, 0),
      floor: run(floor, byApi, 0),
    });
    const floorSummary = summarize(samples.floor);
    const debounced: CaseResult = {
      name: `event latency, ${EXTENSION_DEBOUNCE_MS} ms debounce`,
      strata: summarize(samples.apiDebounced),
      raw: floorSummary,
      cli: summarize(samples.cliDebounced),
      goal: `< ${LATENCY_GOAL_MS} ms`,
      note:
        'from the tag request to Strata\'s list holding the new name. Strata: tag via POST /images/{id}/tag; ' +
        'CLI column: the same Strata pipeline, tag via `docker tag`; raw: tag via API, bare-http /events + GET /images/json, no debounce. ' +
        'Goal judged on both the Strata and the CLI column.',
    };
    debounced.met = debounced.strata.median < LATENCY_GOAL_MS && (debounced.cli?.median ?? Infinity) < LATENCY_GOAL_MS;
    const immediate: CaseResult = {
      name: 'event latency, no debounce',
      strata: summarize(samples.apiImmediate),
      raw: floorSummary,
      cli: summarize(samples.cliImmediate),
      goal: 'reported',
      note: 'as above, the list asked as soon as the event arrives.',
    };
    return [debounced, immediate];
  } finally {
    strata.stop();
    floor.stop();
  }
}
