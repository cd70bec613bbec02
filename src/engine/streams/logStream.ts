/**
 * The log pipeline: the engine's log stream → stdout/stderr frames → lines → batches.
 * Without a TTY the engine multiplexes stdout and stderr in frames of an 8-byte header
 * (stream type, 3 zero bytes, big-endian payload length) and a payload; with a TTY it
 * sends the raw bytes. Frames, lines and UTF-8 characters can all be split anywhere
 * between chunks; nothing here assumes they are not.
 */
import { LineAssembler } from '../api/lineAssembler';

export type LogSource = 'stdout' | 'stderr';

export interface LogLine {
  source: LogSource;
  text: string;
  /** The engine's RFC 3339 timestamp for the line, when asked for (`timestamps: true`). */
  timestamp?: string;
}

/** Splits multiplexed frames back into stdout and stderr payloads. */
export class FrameDemuxer {
  private static readonly EMPTY = Buffer.alloc(0);
  private pending: Buffer = FrameDemuxer.EMPTY;

  constructor(private readonly onPayload: (source: LogSource, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Walk an offset instead of re-slicing the rest: one subarray per frame, none per chunk.
    let at = 0;
    while (buf.length - at >= 8) {
      const size = buf.readUInt32BE(at + 4);
      if (buf.length - at < 8 + size) {
        break;
      }
      // 0 stdin (never sent), 1 stdout, 2 stderr.
      this.onPayload(buf[at] === 2 ? 'stderr' : 'stdout', buf.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    this.pending = at === buf.length ? FrameDemuxer.EMPTY : Buffer.from(buf.subarray(at));
  }

  /** Bytes of an unfinished frame, kept for the next chunk. */
  get buffered(): number {
    return this.pending.length;
  }
}

// CSI (colours, cursor), OSC (titles, links), and single-character escapes; matching
// control characters is the point here.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  // Most lines have no escape at all: a scan is far cheaper than the regular expression.
  return text.indexOf('\u001b') < 0 && text.indexOf('\u009b') < 0 ? text : text.replace(ANSI, '');
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The engine's own shape, checked by hand: `YYYY-MM-DDTHH:MM:SS.fffffffffZ` up to `end`
 * (the first space). Anything else (an offset, no fraction) goes to the regular expression.
 */
function isUtcNanoTimestamp(line: string, end: number): boolean {
  if (end < 22 || line.charCodeAt(end - 1) !== 90 /* Z */) {
    return false;
  }
  for (let i = 0; i < end - 1; i++) {
    const c = line.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 /* - */ : i === 10 ? 84 /* T */ : i === 13 || i === 16 ? 58 /* : */ : i === 19 ? 46 /* . */ : -1;
    if (expected === -1 ? !isDigit(c) : c !== expected) {
      return false;
    }
  }
  return true;
}

/** Takes the engine's timestamp off the front of a line (logs asked with `timestamps: true`). */
export function splitTimestamp(line: string): { timestamp?: string; text: string } {
  // Cheap shape check first (this runs once per line): "YYYY-MM-DDTHH:MM:SS".
  if (line.length < 21 || line[4] !== '-' || line[10] !== 'T') {
    return { text: line };
  }
  const space = line.indexOf(' ', 19);
  if (space < 0 || space > 40 || !(isUtcNanoTimestamp(line, space) || TIMESTAMP.test(line))) {
    return { text: line };
  }
  return { timestamp: line.slice(0, space), text: line.slice(space + 1) };
}

/** A timestamp as nanoseconds since the epoch, exactly (RFC 3339 trims trailing zeros, so strings do not compare). */
export function timestampNanos(ts: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) {
    return 0n;
  }
  const seconds = BigInt(Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000));
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
  return seconds * 1_000_000_000n + fraction;
}

/** The `since` parameter for a time in nanoseconds: "seconds.nanoseconds". */
export function sinceParameter(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
}

/** Where one stream got to: its last line's timestamp, and how many lines carried exactly that one. */
export interface StreamPosition {
  timestamp: string;
  count: number;
}

export type LogPosition = Partial<Record<LogSource, StreamPosition>>;

/**
 * Resuming a follow without losing or repeating a line. The engine's `since` is per
 * container, not per stream, and some engines (Podman) stamp lines to the second only,
 * so several lines share a timestamp: on a resumed stream, each stream skips lines older
 * than where it got to, and as many lines at exactly that timestamp as it had delivered.
 */
export class LogResume {
  private readonly position: LogPosition;
  private skipping: Partial<Record<LogSource, { nanos: bigint; left: number }>> = {};

  constructor(start: LogPosition = {}) {
    this.position = { stdout: start.stdout && { ...start.stdout }, stderr: start.stderr && { ...start.stderr } };
  }

  /** A copy of where each stream got to (to resume later, in another follower). */
  get current(): LogPosition {
    return { stdout: this.position.stdout && { ...this.position.stdout }, stderr: this.position.stderr && { ...this.position.stderr } };
  }

  /**
   * The `since` to ask for: one second before the older stream's last line, so that an
   * engine whose `since` is exclusive, or counts whole seconds, still sends that line's
   * second; what was delivered is skipped by `accept`.
   */
  since(): string | undefined {
    const seen = [this.position.stdout, this.position.stderr].filter((p): p is StreamPosition => p !== undefined);
    if (seen.length === 0) {
      return undefined;
    }
    const oldest = seen.map((p) => timestampNanos(p.timestamp)).reduce((a, b) => (a < b ? a : b));
    return sinceParameter(oldest - 1_000_000_000n);
  }

  /** A new stream starts from `since()`: what each stream delivered before is to be skipped. */
  resumed(): void {
    for (const source of ['stdout', 'stderr'] as const) {
      const p = this.position[source];
      this.skipping[source] = p ? { nanos: timestampNanos(p.timestamp), left: p.count } : undefined;
    }
  }

  /** Whether a line is new (deliver it) or one delivered before (skip it); records it. */
  accept(source: LogSource, timestamp: string | undefined): boolean {
    if (timestamp === undefined) {
      return true;
    }
    const skip = this.skipping[source];
    if (skip) {
      // Only right after a resume: a date is parsed per line only then.
      const nanos = timestampNanos(timestamp);
      if (nanos < skip.nanos || (nanos === skip.nanos && skip.left > 0)) {
        if (nanos === skip.nanos) {
          skip.left--;
        }
        return false;
      }
      this.skipping[source] = undefined;
    }
    const p = this.position[source];
    if (p && p.timestamp === timestamp) {
      p.count++;
    } else {
      this.position[source] = { timestamp, count: 1 };
    }
    return true;
  }
}

export interface LogParserOptions {
  tty: boolean;
  /** Lines carry the engine's timestamps (asked for with `timestamps: true`). */
  timestamps: boolean;
}

/** Bytes from the engine in, LogLines out: demux (unless TTY), lines, ANSI removed, timestamps split off. */
export class LogParser {
  private readonly demuxer: FrameDemuxer | undefined;
  private readonly assemblers: Record<LogSource, LineAssembler> = { stdout: new LineAssembler(), stderr: new LineAssembler() };

  constructor(
    private readonly options: LogParserOptions,
    private readonly onLine: (line: LogLine) => void,
  ) {
    if (!options.tty) {
      this.demuxer = new FrameDemuxer((source, payload) => this.payload(source, payload));
    }
  }

  push(chunk: Buffer): void {
    if (this.demuxer) {
      this.demuxer.push(chunk);
    } else {
      this.payload('stdout', chunk);
    }
  }

  end(): void {
    for (const source of ['stdout', 'stderr'] as const) {
      for (const line of this.assemblers[source].end()) {
        this.emit(source, line);
      }
    }
  }

  private readonly emitters: Record<LogSource, (line: string) => void> = {
    stdout: (line) => this.emit('stdout', line),
    stderr: (line) => this.emit('stderr', line),
  };

  private payload(source: LogSource, bytes: Buffer): void {
    this.assemblers[source].each(bytes, this.emitters[source]);
  }

  private emit(source: LogSource, raw: string): void {
    const { timestamp, text } = this.options.timestamps ? splitTimestamp(raw) : { timestamp: undefined, text: raw };
    this.onLine({ source, text: stripAnsi(text), timestamp });
  }
}

export interface BatchOptions {
  /** Flush at most this long after the first line of a batch. */
  intervalMs: number;
  /** Flush at once when a batch holds this many characters. */
  maxChars: number;
  /** The timers the interval is kept with: the real ones, or a test's, which it moves by hand. */
  timers?: BatchTimers;
}

export interface BatchTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const REAL_TIMERS: BatchTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined) };

/**
 * Gathers lines and hands them on in batches (every `intervalMs` or `maxChars`, whichever
 * first), so a container printing 100,000 lines a second makes a few appends a second,
 * not 100,000. Holds at most one batch: memory stays bounded however fast lines come.
 */
export class LineBatcher {
  private lines: string[] = [];
  private chars = 0;
  private timer: unknown;
  private readonly timers: BatchTimers;

  constructor(
    private readonly flushTo: (text: string) => void,
    private readonly options: BatchOptions = { intervalMs: 50, maxChars: 64 * 1024 },
  ) {
    this.timers = options.timers ?? REAL_TIMERS;
  }

  add(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
    if (this.chars >= this.options.maxChars) {
      this.flush();
    } else if (!this.timer) {
      this.timer = this.timers.setTimeout(() => this.flush(), this.options.intervalMs);
    }
  }

  flush(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) {
      return;
    }
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.chars = 0;
    this.flushTo(text);
  }

  dispose(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
