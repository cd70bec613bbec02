/**
 * Follows a container's logs into a sink, through engine restarts: when the stream breaks
 * while the container may still run, it says so, waits for the engine with backoff, and
 * resumes from where each stream got to (LogResume), skipping lines already delivered, so
 * no line is repeated or lost. When the container stops: its exit code.
 */
import type { Readable } from 'stream';
import type { Engine } from '../api/engine';
import { Backoff, type BackoffOptions, wakeableSleep } from './backoff';
import { engineMessage, statusCode } from '../api/engineError';
import { type LogLine, LogParser, type LogPosition, LogResume } from './logStream';

export interface LogSink {
  line(line: LogLine): void;
  /** A line of Strata's own (exit code, connection lost…), not from the container. */
  notice(text: string): void;
}

export interface FollowOptions {
  /** How reconnections wait (from 250 ms, doubling up to 5 s by default). */
  backoff?: BackoffOptions;
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

/** How many of the last lines the read after the exit looks at (what a follow missed is a line or two). */
const LAST_WORDS_TAIL = 1000;

export function followContainerLogs(engine: Engine, containerId: string, sink: LogSink, options: FollowOptions = {}): LogFollower {
  const backoff = new Backoff(options.backoff ?? { initialMs: 250, maxMs: 5000 });
  const resume = new LogResume(options.resumeFrom);
  let stopped = false;
  let current: Readable | undefined;
  const { sleep, wake } = wakeableSleep();
  /** Lines delivered by the stream now open: one that ends having sent none waits before the next. */
  let delivered = 0;

  /**
   * One attached stream, or with `lastWords` the end of what is logged so far; resolves
   * when it ends, rejects when it cannot be opened.
   */
  const streamOnce = async (tty: boolean, first: boolean, lastWords = false): Promise<void> => {
    const since = resume.since();
    if (since) {
      resume.resumed();
    }
    const stream = await engine.containerLogs(containerId, {
      follow: !lastWords,
      timestamps: true,
      since,
      // The last lines only: `since` alone makes the engine scan its whole log file, and
      // sends a second's worth of lines again (a fast logger's hundreds of thousands).
      tail: lastWords ? LAST_WORDS_TAIL : first && !since ? options.tail : undefined,
    });
    current = stream;
    const parser = new LogParser({ tty, timestamps: true }, (line) => {
      if (resume.accept(line.source, line.timestamp)) {
        delivered++;
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
    let disconnected = false;
    while (!stopped) {
      let state: { running: boolean; exitCode: number; tty: boolean; driver?: string };
      try {
        const info = await engine.inspectContainer(containerId);
        state = { running: info.State.Running || info.State.Restarting, exitCode: info.State.ExitCode, tty: Boolean(info.Config.Tty), driver: info.HostConfig?.LogConfig?.Type };
      } catch (err) {
        if (statusCode(err) === 404) {
          sink.notice('— the container was removed —');
          return;
        }
        if (!disconnected) {
          disconnected = true;
          sink.notice('— lost the connection to the Docker Engine; following again when it is back —');
        }
        await sleep(backoff.next());
        continue;
      }
      if (disconnected) {
        disconnected = false;
        sink.notice('— connected again; resuming —');
      }
      delivered = 0;
      try {
        await streamOnce(state.tty, first);
        first = false;
      } catch (err) {
        const status = statusCode(err);
        // An answer that retrying cannot mend (the log driver keeps no logs: 501; any 4xx):
        // said once, and following stops.
        if (status !== undefined && (status === 501 || (status >= 400 && status < 500 && status !== 404))) {
          sink.notice(
            status === 501
              ? `— the engine cannot read this container's logs: its log driver${state.driver ? ` "${state.driver}"` : ''} keeps none for reading (run it with the json-file or local driver to see its output here) —`
              : `— the engine refused to send the logs: ${engineMessage(err)} —`,
          );
          return;
        }
        // The engine went away between the two calls: wait, then look again.
        await sleep(backoff.next());
        continue;
      }
      if (stopped) {
        return;
      }
      if (delivered > 0) {
        backoff.reset();
      }
      // The stream ended: either the container stopped, or the engine connection broke.
      try {
        const after = await engine.inspectContainer(containerId);
        if (!after.State.Running && !after.State.Restarting) {
          // A follow can end before the engine has logged a container's last words (a
          // line without a newline, written as it exits): read once more from where this
          // got to; what was delivered is skipped.
          await streamOnce(state.tty, false, true).catch(() => undefined);
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
      // Still running, and the stream ended: the connection broke, or it ended at once.
      // Never straight back: a stream that sent nothing waits longer each time.
      if (delivered === 0) {
        await sleep(backoff.next());
      }
    }
  };

  const done = run().catch((err: unknown) => sink.notice(`— following the logs failed: ${err instanceof Error ? err.message : String(err)} —`));
  return {
    position: () => resume.current,
    stop() {
      stopped = true;
      current?.destroy?.();
      wake();
    },
    done,
  };
}
