import * as vscode from 'vscode';
import type { EngineRef } from '../engine/activeEngine';
import { type EngineEvent, EngineEvents } from '../engine/streams/engineEvents';
import type { ImageIndex } from '../engine/imageIndex';

/** What live updates refresh; each refresh re-asks the engine for that view only. */
export interface RefreshTargets {
  images(): void;
  containers(): void;
  /** A container started (again): its open log channel follows it again. */
  containerStarted(id: string): void;
  /** An image was deleted: what was kept of it goes. */
  imageRemoved(id: string): void;
  /** A container was removed: its log channel says so. */
  containerRemoved(id: string): void;
}

/** The time and the timers a debounce goes by: the real ones, or a test's, which it moves by hand. */
export interface DebounceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const REAL_CLOCK: DebounceClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/**
 * Gathers bursts of calls (a build tags, a rmi untags and deletes) into one, `delayMs`
 * after the last; in a storm that does not pause (a script tagging 100 images a second),
 * at most one every `maxWaitMs`, so the view neither floods nor waits for the end.
 */
export function debounce(fn: () => void, delayMs: number, maxWaitMs = 1000, clock = REAL_CLOCK): { (): void; cancel(): void } {
  let timer: unknown;
  let first: number | undefined;
  const fire = () => {
    clock.clearTimeout(timer);
    timer = undefined;
    first = undefined;
    fn();
  };
  const call = () => {
    const now = clock.now();
    first ??= now;
    clock.clearTimeout(timer);
    timer = clock.setTimeout(fire, Math.max(0, Math.min(delayMs, first + maxWaitMs - now)));
  };
  call.cancel = () => {
    clock.clearTimeout(timer);
    timer = undefined;
    first = undefined;
  };
  return call;
}

/**
 * Keeps the views in step with the engine through its event stream: image events refresh
 * the Images view, container events the Containers view, debounced; after the stream
 * broke (engine restarted), one refresh of both. No polling while events flow.
 */
export class LiveUpdates implements vscode.Disposable {
  private events: EngineEvents | undefined;
  private readonly refreshImages: ReturnType<typeof debounce>;
  private readonly refreshContainers: ReturnType<typeof debounce>;

  constructor(
    private readonly ref: EngineRef,
    private readonly index: ImageIndex,
    private readonly targets: RefreshTargets,
    private readonly log: vscode.LogOutputChannel,
    delayMs = 50,
    clock?: DebounceClock,
  ) {
    this.refreshImages = debounce(() => targets.images(), delayMs, undefined, clock);
    this.refreshContainers = debounce(() => targets.containers(), delayMs, undefined, clock);
    this.restart();
  }

  /** Listens to the active engine's events (again): after a switch, the new engine's. */
  restart(): void {
    this.events?.stop();
    this.refreshImages.cancel();
    this.refreshContainers.cancel();
    const engine = this.ref.engine;
    const { index, targets, log } = this;
    this.events = new EngineEvents(engine, {
      onEvent: (event: EngineEvent) => {
        if (event.type === 'image') {
          if (event.action === 'delete') {
            index.forget(event.id);
            targets.imageRemoved(event.id);
          }
          this.refreshImages();
        } else {
          if (event.action === 'start') {
            targets.containerStarted(event.id);
          } else if (event.action === 'destroy') {
            targets.containerRemoved(event.id);
          }
          this.refreshContainers();
        }
      },
      onConnected: (afterBreak) => {
        log.info(`Engine events from ${engine.name}: ${afterBreak ? 'reconnected' : 'listening'}.`);
        if (afterBreak) {
          this.refreshImages();
          this.refreshContainers();
        }
      },
      onDisconnected: () => {
        log.info(`Engine events from ${engine.name}: the stream broke; reconnecting with backoff.`);
        // Show the engine's state (for example "not running") instead of stale data.
        this.refreshImages();
        this.refreshContainers();
      },
    });
    this.events.start();
  }

  dispose(): void {
    this.events?.stop();
    this.refreshImages.cancel();
    this.refreshContainers.cancel();
  }
}
