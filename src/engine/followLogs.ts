/**
 * Follows a container's logs into a sink, through engine restarts: when the stream breaks
 * while the container may still run, it says so, waits for the engine with backoff, and
 * resumes with `since` at the last line's timestamp, skipping lines already delivered, so
 * no line is repeated or lost. When the container stops: its exit code.
 */
import type { DockerEngine } from './dockerEngine';
import { type LogLine, LogParser, type LogSource, sinceParameter, timestampNanos } from './logStream';

export interface LogSink {
  line(line: LogLine): void;
  /** A line of Strata's own (exit code, connection lost…), not from the container. */
  notice(text: string): void;
}

export interface FollowOptions {
  /** Milliseconds before the first reconnection attempt; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Only lines after this RFC 3339 timestamp (exclusive). */
  since?: string;
  /** Start with only the last N lines (the whole log when undefined). */
  tail?: number;
}

export interface LogFollower {
  stop(): void;
  /** Resolves when following has ended (container stopped, or stop() called). */
  readonly done: Promise<void>;
}

export function followContainerLogs(engine: DockerEngine, containerId: string, sink: LogSink, options: FollowOptions = {}): LogFollower {
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  // Per stream: stdout and stderr are each in time order, but not with each other. Only
  // the timestamp string is kept per line; it is turned into a number when needed.
  const last: Partial<Record<LogSource, string>> = {};
  if (options.since) {
    last.stdout = options.since;
    last.stderr = options.since;
  }
  /** Where to resume: the older of the two streams' last lines (the newer one's repeats are skipped). */
  const resumeAt = (): string | undefined => {
    const seen = [last.stdout, last.stderr].filter((t): t is string => t !== undefined);
    return seen.sort((a, b) => (timestampNanos(a) < timestampNanos(b) ? -1 : 1))[0];
  };
  let stopped = false;
  let current: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** One attached stream; resolves when it ends, rejects when it cannot be opened. */
  const streamOnce = async (tty: boolean, first: boolean): Promise<void> => {
    const resume = resumeAt();
    const since = resume ? sinceParameter(resume) : undefined;
    // Only a resumed stream can repeat lines already delivered: only then is a line's
    // timestamp compared (a million lines a second must not each parse a date).
    const dedupe = !first || options.since !== undefined;
    const before: Partial<Record<LogSource, bigint>> = dedupe
      ? { stdout: last.stdout ? timestampNanos(last.stdout) : undefined, stderr: last.stderr ? timestampNanos(last.stderr) : undefined }
      : {};
    const stream = (await engine.docker.getContainer(containerId).logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since ? { since: since as unknown as number } : {}),
      ...(first && options.tail !== undefined && !since ? { tail: options.tail } : {}),
    })) as unknown as NodeJS.ReadableStream & { destroy?: () => void };
    current = stream;
    const parser = new LogParser({ tty, timestamps: true }, (line) => {
      if (line.timestamp) {
        const floor = before[line.source];
        // `since` is inclusive and per image, not per stream: skip what was delivered.
        if (floor !== undefined) {
          if (timestampNanos(line.timestamp) <= floor) {
            return;
          }
          before[line.source] = undefined; // past the overlap: stop comparing
        }
        last[line.source] = line.timestamp;
      }
      sink.line(line);
    });
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => parser.push(chunk));
      stream.on('end', () => {
        parser.end();
        resolve();
      });
      stream.on('error', () => resolve());
      stream.on('close', () => resolve());
    });
    current = undefined;
  };

  const run = async () => {
    let first = true;
    let delay = retryMs;
    let disconnected = false;
    while (!stopped) {
      let state: { running: boolean; exitCode: number; tty: boolean };
      try {
        const info = await engine.inspectContainer(containerId);
        state = { running: info.State.Running || info.State.Restarting, exitCode: info.State.ExitCode, tty: Boolean(info.Config.Tty) };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404) {
          sink.notice('— the container was removed —');
          return;
        }
        if (!disconnected) {
          disconnected = true;
          sink.notice('— lost the connection to the Docker Engine; following again when it is back —');
        }
        await sleep(delay);
        delay = Math.min(delay * 2, maxRetryMs);
        continue;
      }
      if (disconnected) {
        disconnected = false;
        sink.notice('— connected again; resuming —');
      }
      delay = retryMs;
      try {
        await streamOnce(state.tty, first);
        first = false;
      } catch {
        // The stream could not be opened: the engine went away between the two calls.
        continue;
      }
      if (stopped) {
        return;
      }
      // The stream ended: either the container stopped, or the engine connection broke.
      try {
        const after = await engine.inspectContainer(containerId);
        if (!after.State.Running && !after.State.Restarting) {
          sink.notice(`— exited with code ${after.State.ExitCode} —`);
          return;
        }
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) {
          sink.notice(`— the container stopped and was removed —`);
          return;
        }
        // unreachable: the loop reports it
      }
    }
  };

  const done = run().catch((err: unknown) => sink.notice(`— following the logs failed: ${err instanceof Error ? err.message : String(err)} —`));
  return {
    stop() {
      stopped = true;
      current?.destroy?.();
      wake?.();
    },
    done,
  };
}
