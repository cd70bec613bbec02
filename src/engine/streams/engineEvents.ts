/**
 * The engine's event stream (GET /events), kept open: image and container events are
 * handed on as they come; when the stream breaks or the engine restarts, it reconnects
 * with backoff and says so once it is back, so the views refresh once instead of polling.
 */
import { Backoff, type BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import type { Engine } from '../api/engine';
import { LineAssembler } from '../api/lineAssembler';

export type EngineEventType = 'image' | 'container';

export interface EngineEvent {
  type: EngineEventType;
  action: string;
  /** Image id or reference, container id. */
  id: string;
  /** For images: the name involved (tag, untag); for containers: the container's name. */
  name?: string;
  /** When the engine says it happened, in ms since the epoch. */
  time: number;
}

export const WATCHED_ACTIONS: Record<EngineEventType, readonly string[]> = {
  image: ['pull', 'tag', 'untag', 'delete', 'import', 'load', 'build'],
  container: ['create', 'start', 'die', 'destroy', 'rename', 'stop', 'pause', 'unpause'],
};

interface RawEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/**
 * Podman's names for the same happenings, read as Docker's: a removed container is
 * `remove` there (`destroy` on Docker), a removed image `remove` (`delete`).
 */
const SAME_AS_DOCKER: Record<EngineEventType, Record<string, string>> = {
  image: { remove: 'delete' },
  container: { remove: 'destroy' },
};

const IMAGE_ID = /^(sha256:)?[0-9a-f]{64}$/;

/** Parses one line of the stream; undefined for events Strata does not watch. */
export function parseEngineEvent(line: string): EngineEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  const type = raw.Type as EngineEventType;
  // Container actions may carry detail after a colon ("exec_start: sh").
  const said = (raw.Action ?? '').split(':')[0];
  if (!Object.hasOwn(WATCHED_ACTIONS, type)) {
    return undefined;
  }
  const action = (Object.hasOwn(SAME_AS_DOCKER[type], said) && SAME_AS_DOCKER[type][said]) || said;
  if (!WATCHED_ACTIONS[type].includes(action)) {
    return undefined;
  }
  const time = raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  const named = raw.Actor?.Attributes?.name;
  // Some engines (20.10, 26) name the image id on untag, not the tag that went: no name then.
  const name = type === 'image' && named && IMAGE_ID.test(named) ? undefined : named;
  const actor = raw.Actor?.ID ?? raw.id ?? '';
  // Podman names images by bare hex; Docker (and Strata's caches) by "sha256:…".
  const id = type === 'image' && /^[0-9a-f]{64}$/.test(actor) ? `sha256:${actor}` : actor;
  return { type, action, id, name, time };
}

export interface EngineEventsListener {
  onEvent(event: EngineEvent): void;
  /** The stream is (again) open; `afterBreak` when it had broken, so what changed meanwhile is unknown. */
  onConnected(afterBreak: boolean): void;
  onDisconnected?(err: unknown): void;
}

export class EngineEvents {
  private stream: NodeJS.ReadableStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  private broken = false;

  constructor(
    private readonly engine: Engine,
    private readonly listener: EngineEventsListener,
    backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {
    this.backoff = new Backoff(backoff);
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.destroyStream();
  }

  private destroyStream(): void {
    const s = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.stream = undefined;
    s?.removeAllListeners();
    s?.on('error', () => undefined);
    s?.destroy?.();
  }

  private async connect(): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.engine.events();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.stopped) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return;
    }
    this.stream = stream;
    this.backoff.reset();
    const afterBreak = this.broken;
    this.broken = false;
    this.listener.onConnected(afterBreak);
    // One JSON document per line; the log pipeline's assembler splits across chunks.
    const lines = new LineAssembler();
    stream.on('data', (chunk: Buffer) =>
      lines.each(chunk, (line) => {
        const event = line.trim() === '' ? undefined : parseEngineEvent(line);
        if (event) {
          this.listener.onEvent(event);
        }
      }),
    );
    // 'error' and 'end' can both come for one break: handle it once.
    let broke = false;
    const onBreak = (err: unknown) => {
      if (!broke) {
        broke = true;
        this.fail(err);
      }
    };
    stream.on('error', onBreak);
    stream.on('end', () => onBreak(new Error('the engine closed the event stream')));
  }

  private fail(err: unknown): void {
    if (this.stopped) {
      return;
    }
    this.destroyStream();
    if (!this.broken) {
      this.broken = true;
      this.listener.onDisconnected?.(err);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.backoff.next());
  }
}
