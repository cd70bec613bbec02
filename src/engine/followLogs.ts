/**
 * Follows a container's logs into a sink, through engine restarts: when the stream breaks
 * while the container may still run, it says so, waits for the engine with backoff, and
 * resumes from where each stream got to (LogResume), skipping lines already delivered, so
 * no line is repeated or lost. When the container stops: its exit code.
 */
import type { Readable } from 'stream';
import type { DockerEngine } from './dockerEngine';
import { statusCode } from './engineError';
import { type LogLine, LogParser, type LogPosition, LogResume } from './logStream';

export interface LogSink {
  line(line: LogLine): void;
  /** A line of Strata's own (exit code, connection lost…), not from the container. */
  notice(text: string): void;
}

export interface FollowOptions {
  /** Milliseconds before the first reconnection attempt; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Where an earlier follower of this container got to: only later lines are delivered. */
  resumeFrom?: LogPosition;
  /** Start with only the last N lines (the whole log when undefined). */
  tail?: number;
}

export interface LogFollower {
  stop(): void;
  /** Where it got to, per stream (to resume from in a later follower). */
  position(): LogPosition;
  /** Resolves when following has ended (container stopped, or stop() called). */
  readonly done: Promise<void>;
}

export function followContainerLogs(engine: DockerEngine, containerId: string, sink: LogSink, options: FollowOptions = {}): LogFollower {
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  const resume = new LogResume(options.resumeFrom);
  let stopped = false;
  let current: Readable | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** One attached stream (or, with follow false, what is logged so far); resolves when it ends, rejects when it cannot be opened. */
  const streamOnce = async (tty: boolean, first: boolean, follow = true): Promise<void> => {
    const since = resume.since();
    if (since) {
      resume.resumed();
    }
    const stream = await engine.containerLogs(containerId, {
      follow,
      timestamps: true,
      since,
      tail: first && !since ? options.tail : undefined,
    });
    current = stream;
    const parser = new LogParser({ tty, timestamps: true }, (line) => {
      if (resume.accept(line.source, line.timestamp)) {
        sink.line(line);
      }
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
        if (statusCode(err) === 404) {
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
          // A follow can end before the engine has logged a container's last words (a
          // line without a newline, written as it exits): read once more from where this
          // got to; what was delivered is skipped.
          await streamOnce(state.tty, false, false).catch(() => undefined);
          sink.notice(`— exited with code ${after.State.ExitCode} —`);
          return;
        }
      } catch (err) {
        if (statusCode(err) === 404) {
          sink.notice(`— the container stopped and was removed —`);
          return;
        }
        // unreachable: the loop reports it
      }
    }
  };

  const done = run().catch((err: unknown) => sink.notice(`— following the logs failed: ${err instanceof Error ? err.message : String(err)} —`));
  return {
    position: () => resume.current,
    stop() {
      stopped = true;
      current?.destroy?.();
      wake?.();
    },
    done,
  };
}
