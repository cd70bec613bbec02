/**
 * Case 4: reading a finished container's log of 1,000,000 lines to the end, as the
 * Output channel of a container does. Strata: followContainerLogs (inspect, GET
 * /containers/{id}/logs?follow=1&timestamps=1, demux, lines, ANSI stripped) into the
 * extension's sink and a LineBatcher (50 ms / 64 KB) whose flush only counts characters:
 * the whole extension side short of OutputChannel.append. Raw: the same request read to
 * nowhere with bare http. CLI: `docker logs` to /dev/null. Once for a container without a
 * TTY (the engine sends 8-byte-framed stdout/stderr) and once with one (raw bytes, lines
 * ending in \r\n). During Strata's runs the event loop's delay and the heap are watched.
 */
import { spawn } from 'child_process';
import Docker from 'dockerode';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { DockerEngine } from '../../src/engine/dockerEngine';
import { followContainerLogs } from '../../src/engine/followLogs';
import { LineBatcher } from '../../src/engine/logStream';
import { TEST_LABEL, buildFixtureImage, runTag } from '../harness/fixtureImages';
import { interleave } from './measure';
import type { RawEngine } from './rawEngine';
import { type CaseResult, type Summary, median, summarize } from './stats';

export const LOG_LINES = 1_000_000;
/** Strata's lines/s at least this many times the CLI's. */
export const THROUGHPUT_GOAL = 1.0;
export const LOOP_DELAY_GOAL_MS = 50;
/** The sampling interval of the event-loop histogram; its samples include it. */
export const LOOP_RESOLUTION_MS = 10;
/**
 * "Heap flat": nothing proportional to the log. A million lines held anywhere would be
 * 50 MB and more; the young generation's garbage alone may swing the sampled heap by up to
 * its size (16 MB semi-spaces on 64-bit Node 20) before a scavenge.
 */
export const HEAP_PEAK_GOAL_MB = 24;
/** What the run may leave behind once garbage is collected. */
export const HEAP_RETAINED_GOAL_MB = 1;
const HEAP_SAMPLE_MS = 50;
const WARMUPS = 1;
const MB = 1e6;

const log = (line: string) => process.stderr.write(`${line}\n`);

// --- measuring helpers -------------------------------------------------------------------

/** A full garbage collection, so that every run starts from the same heap. */
const collectGarbage: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) {
    return existing;
  }
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

interface ProbeResult {
  /** p99 and max of the event-loop histogram (each sample includes the 10 ms interval). */
  loopP99Ms: number;
  loopMaxMs: number;
  heapBeforeMB: number;
  heapPeakMB: number;
  heapAfterMB: number;
  /** heapUsed after a full GC at the end, minus before. */
  heapRetainedMB: number;
  heapPeakGrowthMB: number;
}

/** Watches the event loop and the heap while a run goes on. */
class Probe {
  private readonly delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly timer: NodeJS.Timeout;
  private readonly before: number;
  private peak: number;

  constructor() {
    collectGarbage();
    this.before = process.memoryUsage().heapUsed;
    this.peak = this.before;
    this.delay.enable();
    this.timer = setInterval(() => this.sample(), HEAP_SAMPLE_MS);
  }

  private sample(): number {
    const used = process.memoryUsage().heapUsed;
    this.peak = Math.max(this.peak, used);
    return used;
  }

  stop(): ProbeResult {
    clearInterval(this.timer);
    const after = this.sample();
    this.delay.disable();
    collectGarbage();
    const retained = process.memoryUsage().heapUsed;
    return {
      loopP99Ms: this.delay.percentile(99) / 1e6,
      loopMaxMs: this.delay.max / 1e6,
      heapBeforeMB: this.before / MB,
      heapPeakMB: this.peak / MB,
      heapAfterMB: after / MB,
      heapRetainedMB: (retained - this.before) / MB,
      heapPeakGrowthMB: (this.peak - this.before) / MB,
    };
  }
}

// --- the fixture -------------------------------------------------------------------------

/** `line 1` … `line N`, as the container prints them. */
function expectedText(lines: number): { chars: number; first: string; last: string } {
  let chars = 0;
  for (let i = 1; i <= lines; i++) {
    chars += 'line '.length + String(i).length + 1;
  }
  return { chars, first: 'line 1', last: `line ${lines}` };
}

interface LogContainer {
  id: string;
  tty: boolean;
  /** Body bytes of GET …/logs without timestamps (what `docker logs` reads). */
  plainBytes: number;
}

/** Newlines in a log body, independently of Strata's parser: frames walked by hand unless TTY. */
function lineCounter(tty: boolean): { push(chunk: Buffer): void; readonly lines: number } {
  let lines = 0;
  let pending = Buffer.alloc(0);
  const countIn = (b: Buffer) => {
    for (let at = b.indexOf(10); at !== -1; at = b.indexOf(10, at + 1)) {
      lines++;
    }
  };
  return {
    push(chunk: Buffer) {
      if (tty) {
        countIn(chunk);
        return;
      }
      let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(4)) {
        const size = buf.readUInt32BE(4);
        countIn(buf.subarray(8, 8 + size));
        buf = buf.subarray(8 + size);
      }
      pending = Buffer.from(buf);
    },
    get lines() {
      return lines;
    },
  };
}

/**
 * Builds a busybox image whose CMD prints `line 1` … `line N` (awk: about 2 s for a
 * million), runs it to completion without and with a TTY, and checks the engine holds
 * every line, so that a short count later is Strata's and not the engine's.
 */
async function prepareContainers(docker: Docker, raw: RawEngine, lines: number): Promise<{ image: string; containers: LogContainer[] }> {
  const image = `strata-bench/log-lines:${runTag('bench')}`;
  const start = performance.now();
  await buildFixtureImage(docker, image, {
    steps: [`ENV LINES=${LOG_LINES}`, `CMD awk -v n="$LINES" 'BEGIN { for (i = 1; i <= n; i++) print "line " i }'`],
  });
  const containers = await Promise.all(
    [false, true].map(async (tty): Promise<LogContainer> => {
      const container = await docker.createContainer({
        Image: image,
        Tty: tty,
        Env: [`LINES=${lines}`],
        Labels: { [TEST_LABEL]: String(process.pid) },
      });
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      if (StatusCode !== 0) {
        throw new Error(`the log fixture container (tty=${tty}) exited with ${StatusCode}`);
      }
      const counter = lineCounter(tty);
      const plainBytes = await raw.drain(`/containers/${container.id}/logs?stdout=1&stderr=1`, (c) => counter.push(c));
      if (counter.lines !== lines) {
        throw new Error(`the engine holds ${counter.lines} lines of the log fixture (tty=${tty}), not ${lines}`);
      }
      return { id: container.id, tty, plainBytes };
    }),
  );
  log(`log fixtures: ${image}, ${lines} lines logged without and with a TTY in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return { image, containers };
}

// --- the variants ------------------------------------------------------------------------

interface StrataRun extends ProbeResult {
  ms: number;
  batches: number;
}

/** Strata's pipeline, with the sink the extension gives it (src/views/containerLogs.ts, default settings). */
async function strataFollow(engine: DockerEngine, id: string, expected: ReturnType<typeof expectedText> & { lines: number }): Promise<StrataRun> {
  const probe = new Probe();
  const start = performance.now();
  let chars = 0;
  let batches = 0;
  let lines = 0;
  let first: string | undefined;
  let last: string | undefined;
  let lastTimestamp: string | undefined;
  const notices: string[] = [];
  const batcher = new LineBatcher((text) => {
    chars += text.length;
    batches++;
  });
  const timestamps = false;
  const markStderr = true;
  const follower = followContainerLogs(engine, id, {
    line: (line) => {
      lines++;
      first ??= line.text;
      last = line.text;
      if (line.timestamp) {
        lastTimestamp = line.timestamp;
      }
      const stamp = timestamps && line.timestamp ? `${line.timestamp} ` : '';
      const mark = markStderr && line.source === 'stderr' ? '[stderr] ' : '';
      batcher.add(`${stamp}${mark}${line.text}`);
    },
    notice: (text) => {
      notices.push(text);
      batcher.add(text);
    },
  });
  await follower.done;
  batcher.flush();
  batcher.dispose();
  const ms = performance.now() - start;
  const probed = probe.stop();

  const noticeChars = notices.reduce((n, t) => n + t.length + 1, 0);
  const problems = [
    lines !== expected.lines && `${lines} lines arrived, not ${expected.lines}`,
    first !== expected.first && `the first line was ${JSON.stringify(first)}, not ${JSON.stringify(expected.first)}`,
    last !== expected.last && `the last line was ${JSON.stringify(last)}, not ${JSON.stringify(expected.last)}`,
    chars - noticeChars !== expected.chars && `the batches held ${chars - noticeChars} characters of lines, not ${expected.chars}`,
    !lastTimestamp && 'no line carried a timestamp',
    (notices.length !== 1 || notices[0] !== '— exited with code 0 —') && `notices: ${JSON.stringify(notices)}`,
  ].filter((p): p is string => Boolean(p));
  if (problems.length) {
    throw new Error(`Strata's log pipeline lost or changed lines of container ${id.slice(0, 12)}: ${problems.join('; ')}`);
  }
  return { ms, batches, ...probed };
}

/** The same request, bytes read to nowhere. */
async function rawFollow(raw: RawEngine, id: string): Promise<ProbeResult & { ms: number; bytes: number }> {
  const probe = new Probe();
  const start = performance.now();
  const bytes = await raw.drain(`/containers/${id}/logs?stdout=1&stderr=1&follow=1&timestamps=1`);
  const ms = performance.now() - start;
  return { ms, bytes, ...probe.stop() };
}

function dockerLogs(id: string, timestamps: boolean): Promise<number> {
  collectGarbage();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', ...(timestamps ? ['--timestamps'] : []), id], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`docker logs ${id.slice(0, 12)} exited with ${code}`))));
  });
}

// --- the case ----------------------------------------------------------------------------

export interface LogThroughputOptions {
  lines: number;
  runs: number;
}

interface Rates {
  strata: number;
  raw: number;
  cli: number;
  cliTimestamps: number;
}

/** A throughput row: the ms columns hold the time for all lines; rates and bytes beside them. */
export interface ThroughputResult extends CaseResult {
  tty: boolean;
  lines: number;
  cliTimestamps: Summary;
  responseBytes: { timestamps: number; plain: number };
  linesPerSecond: Rates;
  mbPerSecond: Rates;
  strataToCliThroughput: number;
  strataToRawThroughput: number;
  strataRuns: StrataRun[];
}

const perSecond = (amount: number, ms: number) => amount / (ms / 1000);
const kLines = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${Math.round(n / 1000)} k`);
const mb = (n: number) => n.toFixed(1);

async function benchOne(engine: DockerEngine, raw: RawEngine, container: LogContainer, options: LogThroughputOptions): Promise<{ row: ThroughputResult; rawProbes: ProbeResult[] }> {
  const expected = { ...expectedText(options.lines), lines: options.lines };
  const strataRuns: StrataRun[] = [];
  const rawProbes: ProbeResult[] = [];
  let timestampBytes = 0;
  const samples = await interleave(
    options.runs,
    {
      strata: async () => {
        const run = await strataFollow(engine, container.id, expected);
        strataRuns.push(run);
        return run.ms;
      },
      raw: async () => {
        const run = await rawFollow(raw, container.id);
        if (timestampBytes && run.bytes !== timestampBytes) {
          throw new Error(`the log of ${container.id.slice(0, 12)} changed size between runs (${timestampBytes} → ${run.bytes} bytes)`);
        }
        timestampBytes = run.bytes;
        rawProbes.push(run);
        return run.ms;
      },
      cli: () => dockerLogs(container.id, false),
      cliTimestamps: () => dockerLogs(container.id, true),
    },
    WARMUPS,
  );
  const s = {
    strata: summarize(samples.strata),
    raw: summarize(samples.raw),
    cli: summarize(samples.cli),
    cliTimestamps: summarize(samples.cliTimestamps),
  };
  const linesPerSecond: Rates = {
    strata: perSecond(options.lines, s.strata.median),
    raw: perSecond(options.lines, s.raw.median),
    cli: perSecond(options.lines, s.cli.median),
    cliTimestamps: perSecond(options.lines, s.cliTimestamps.median),
  };
  // Bytes of the engine's response each reader asked for: with timestamps for Strata, raw and `-t`.
  const mbPerSecond: Rates = {
    strata: perSecond(timestampBytes / MB, s.strata.median),
    raw: perSecond(timestampBytes / MB, s.raw.median),
    cli: perSecond(container.plainBytes / MB, s.cli.median),
    cliTimestamps: perSecond(timestampBytes / MB, s.cliTimestamps.median),
  };
  const toCli = linesPerSecond.strata / linesPerSecond.cli;
  const toRaw = linesPerSecond.strata / linesPerSecond.raw;
  const row: ThroughputResult = {
    name: `log follow ${kLines(options.lines)} lines${container.tty ? ', TTY' : ''}`,
    strata: s.strata,
    raw: s.raw,
    cli: s.cli,
    goal: `Strata ≥ ${THROUGHPUT_GOAL.toFixed(1)}× CLI lines/s`,
    met: toCli >= THROUGHPUT_GOAL,
    note:
      `ms for all lines. lines/s: Strata ${kLines(linesPerSecond.strata)}, raw ${kLines(linesPerSecond.raw)}, ` +
      `CLI ${kLines(linesPerSecond.cli)} (docker logs -t: ${kLines(linesPerSecond.cliTimestamps)}, ${s.cliTimestamps.median.toFixed(0)} ms); ` +
      `MB/s of response: Strata ${mb(mbPerSecond.strata)}, raw ${mb(mbPerSecond.raw)}, CLI ${mb(mbPerSecond.cli)} ` +
      `(${mb(timestampBytes / MB)} MB with timestamps, ${mb(container.plainBytes / MB)} MB without); ` +
      `Strata throughput = ${toCli.toFixed(2)}× CLI, ${toRaw.toFixed(2)}× raw.`,
    tty: container.tty,
    lines: options.lines,
    cliTimestamps: s.cliTimestamps,
    responseBytes: { timestamps: timestampBytes, plain: container.plainBytes },
    linesPerSecond,
    mbPerSecond,
    strataToCliThroughput: toCli,
    strataToRawThroughput: toRaw,
    // The warm-up runs go first; the rest are the measured ones.
    strataRuns: strataRuns.slice(WARMUPS),
  };
  return { row, rawProbes: rawProbes.slice(WARMUPS) };
}

const medianOf = (runs: ProbeResult[], key: keyof ProbeResult) => median(runs.map((r) => r[key]));

function loopRow(rows: ThroughputResult[], rawProbes: ProbeResult[][]): CaseResult {
  const worst = rows.reduce((a, b) => (medianOf(a.strataRuns, 'loopP99Ms') >= medianOf(b.strataRuns, 'loopP99Ms') ? a : b));
  const strata = summarize(worst.strataRuns.map((r) => r.loopP99Ms));
  const parts = rows.map(
    (r, i) =>
      `${r.tty ? 'TTY' : 'no TTY'} ${medianOf(r.strataRuns, 'loopP99Ms').toFixed(1)} ms (max ${medianOf(r.strataRuns, 'loopMaxMs').toFixed(1)}; ` +
      `raw reader ${medianOf(rawProbes[i], 'loopP99Ms').toFixed(1)})`,
  );
  return {
    name: 'log follow: event-loop delay p99',
    strata,
    goal: `< ${LOOP_DELAY_GOAL_MS} ms`,
    met: rows.every((r) => medianOf(r.strataRuns, 'loopP99Ms') < LOOP_DELAY_GOAL_MS),
    note:
      `monitorEventLoopDelay (resolution ${LOOP_RESOLUTION_MS} ms; a sample is the whole interval, so an idle loop shows ~${LOOP_RESOLUTION_MS} ms) ` +
      `during Strata's runs, median p99, worst variant shown: ${parts.join(', ')}.`,
  };
}

function heapRow(rows: ThroughputResult[], rawProbes: ProbeResult[][]): CaseResult {
  const worst = rows.reduce((a, b) => (medianOf(a.strataRuns, 'heapPeakGrowthMB') >= medianOf(b.strataRuns, 'heapPeakGrowthMB') ? a : b));
  const parts = rows.map(
    (r, i) =>
      `${r.tty ? 'TTY' : 'no TTY'}: before ${medianOf(r.strataRuns, 'heapBeforeMB').toFixed(1)}, peak ${medianOf(r.strataRuns, 'heapPeakMB').toFixed(1)}, ` +
      `after ${medianOf(r.strataRuns, 'heapAfterMB').toFixed(1)}, retained after GC ${medianOf(r.strataRuns, 'heapRetainedMB').toFixed(2)} ` +
      `(raw reader peak +${medianOf(rawProbes[i], 'heapPeakGrowthMB').toFixed(1)})`,
  );
  return {
    name: 'log follow: heap peak growth',
    strata: summarize(worst.strataRuns.map((r) => r.heapPeakGrowthMB)),
    unit: 'MB',
    goal: `flat: peak < +${HEAP_PEAK_GOAL_MB} MB, retained < ${HEAP_RETAINED_GOAL_MB} MB`,
    met: rows.every((r) => medianOf(r.strataRuns, 'heapPeakGrowthMB') < HEAP_PEAK_GOAL_MB && medianOf(r.strataRuns, 'heapRetainedMB') < HEAP_RETAINED_GOAL_MB),
    note: `heapUsed sampled every ${HEAP_SAMPLE_MS} ms during Strata's runs, after a full GC at the start, MB, medians, worst variant shown. ${parts.join('; ')}.`,
  };
}

export async function benchLogThroughput(
  engine: DockerEngine,
  raw: RawEngine,
  docker: Docker,
  options: LogThroughputOptions,
): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const { image, containers } = await prepareContainers(docker, raw, options.lines);
  try {
    const rows: ThroughputResult[] = [];
    const rawProbes: ProbeResult[][] = [];
    for (const container of containers) {
      log(`log throughput${container.tty ? ', TTY' : ''}: ${options.runs} runs each (+${WARMUPS} warm-up)…`);
      const { row, rawProbes: probes } = await benchOne(engine, raw, container, options);
      rows.push(row);
      rawProbes.push(probes);
    }
    return {
      results: [...rows, loopRow(rows, rawProbes), heapRow(rows, rawProbes)],
      context: { logLines: options.lines, logRuns: options.runs, logImage: image },
    };
  } finally {
    for (const c of containers) {
      await docker.getContainer(c.id).remove({ force: true }).catch(() => undefined);
    }
  }
}
