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
import * as fs from 'fs';
import Docker from 'dockerode';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { followContainerLogs } from '../../../src/engine/streams/followLogs';
import { LineBatcher } from '../../../src/engine/streams/logStream';
import { TEST_LABEL, buildFixtureImage, runTag } from '../../harness/fixtures/fixtureImages';
import { interleave } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, type Summary, median, summarize } from '../stats';

export const LOG_LINES = 1_000_000;
/** Strata's lines/s at least this many times the CLI's. */
export const THROUGHPUT_GOAL = 1.0;
export const LOOP_DELAY_GOAL_MS = 50;
/** The sampling interval of the event-loop histogram; its samples include it. */
export const LOOP_RESOLUTION_MS = 10;
/**
 * "Heap flat": nothing proportional to the log. A million short lines held anywhere would
 * be 40 MB and more; the young generation's garbage alone swings the sampled heap by up to
 * its size (16 MB semi-spaces on 64-bit Node 20; the raw reader shows ~14 MB) before a
 * scavenge, and promoted garbage waits for the next full GC.
 */
export const HEAP_PEAK_GOAL_MB = 32;
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

/** CPU milliseconds (user + system) this process has used. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU milliseconds the engine's daemon has used, when it runs on this machine and /proc
 * shows it (USER_HZ is 100 on Linux); undefined otherwise. Every reader waits on the same
 * daemon, so its share says how much of a run is the engine's work.
 */
const engineCpuMs: () => number | undefined = (() => {
  let stat: string | undefined;
  try {
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd') {
        stat = `/proc/${pid}/stat`;
        break;
      }
    }
  } catch {
    // No /proc, or not allowed to read it.
  }
  return () => {
    if (!stat) {
      return undefined;
    }
    try {
      // After the command name (which may hold spaces, hence from the last ')'): fields 14 and 15, utime and stime.
      const fields = fs.readFileSync(stat, 'utf8').split(')').pop()?.trim().split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      stat = undefined;
      return undefined;
    }
  };
})();

/** What one run of any variant cost, beside its wall time. */
interface RunCost {
  ms: number;
  /** CPU of the reader: this process for Strata and raw, the `docker` client for the CLI. */
  cpuMs: number;
  engineCpuMs?: number;
}

interface ProbeResult extends RunCost {
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

/** Times a run in this process, and watches its CPU, the event loop and the heap meanwhile. */
class Probe {
  private readonly delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly timer: NodeJS.Timeout;
  private readonly before: number;
  private peak: number;
  private readonly start: { at: number; cpu: number; engineCpu: number | undefined };

  constructor() {
    collectGarbage();
    this.before = process.memoryUsage().heapUsed;
    this.peak = this.before;
    this.delay.enable();
    this.timer = setInterval(() => this.sample(), HEAP_SAMPLE_MS);
    this.start = { at: performance.now(), cpu: ownCpuMs(), engineCpu: engineCpuMs() };
  }

  private sample(): number {
    const used = process.memoryUsage().heapUsed;
    this.peak = Math.max(this.peak, used);
    return used;
  }

  stop(): ProbeResult {
    const ms = performance.now() - this.start.at;
    const cpuMs = ownCpuMs() - this.start.cpu;
    const engineCpu = engineCpuMs();
    clearInterval(this.timer);
    const after = this.sample();
    this.delay.disable();
    collectGarbage();
    const retained = process.memoryUsage().heapUsed;
    return {
      ms,
      cpuMs,
      engineCpuMs: engineCpu !== undefined && this.start.engineCpu !== undefined ? engineCpu - this.start.engineCpu : undefined,
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
  batches: number;
}

/** Strata's pipeline, with the sink the extension gives it (src/views/containers/containerLogs.ts, default settings). */
async function strataFollow(engine: DockerEngine, id: string, expected: ReturnType<typeof expectedText> & { lines: number }): Promise<StrataRun> {
  const probe = new Probe();
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
  return { batches, ...probed };
}

/** The same request, bytes read to nowhere. */
async function rawFollow(raw: RawEngine, id: string): Promise<ProbeResult & { bytes: number }> {
  const probe = new Probe();
  const bytes = await raw.drain(`/containers/${id}/logs?stdout=1&stderr=1&follow=1&timestamps=1`);
  return { bytes, ...probe.stop() };
}

/** `sh`'s `times`: its own, then its children's user and system time, e.g. `0m1.620000s 0m1.000000s`. */
function childCpuMs(times: string): number {
  const children = times.trim().split('\n').pop() ?? '';
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(children);
  if (!m) {
    throw new Error(`cannot read the CPU time of docker logs from ${JSON.stringify(times)}`);
  }
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

/**
 * `docker logs [-t] ID`, output to /dev/null. Through `sh` only to learn the client's
 * CPU time (`times`); the shell adds about a millisecond to runs of seconds.
 */
function dockerLogs(id: string, timestamps: boolean): Promise<RunCost> {
  collectGarbage();
  const engineStart = engineCpuMs();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const script = 'docker logs "$@" >/dev/null 2>&1; status=$?; times; exit $status';
    const child = spawn('sh', ['-c', script, 'sh', ...(timestamps ? ['--timestamps'] : []), id], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const engineEnd = engineCpuMs();
      if (code !== 0) {
        reject(new Error(`docker logs ${timestamps ? '--timestamps ' : ''}${id.slice(0, 12)} exited with ${code}`));
        return;
      }
      resolve({ ms, cpuMs: childCpuMs(out), engineCpuMs: engineStart !== undefined && engineEnd !== undefined ? engineEnd - engineStart : undefined });
    });
  });
}

// --- the case ----------------------------------------------------------------------------

export interface LogThroughputOptions {
  lines: number;
  runs: number;
}

const VARIANTS = ['strata', 'raw', 'cli', 'cliTimestamps'] as const;
type Variant = (typeof VARIANTS)[number];
type PerVariant = Record<Variant, number>;

/** A throughput row: the ms columns hold the time for all lines; rates, bytes and CPU beside them. */
export interface ThroughputResult extends CaseResult {
  tty: boolean;
  lines: number;
  cliTimestamps: Summary;
  responseBytes: { timestamps: number; plain: number };
  linesPerSecond: PerVariant;
  mbPerSecond: PerVariant;
  /** Medians of each variant's reader CPU (Strata/raw: this process; CLI: the docker client). */
  readerCpuMs: PerVariant;
  /** Medians of the engine daemon's CPU during each variant's runs, when it could be read. */
  engineCpuMs?: PerVariant;
  strataToCliThroughput: number;
  strataToRawThroughput: number;
  strataRuns: StrataRun[];
  rawRuns: ProbeResult[];
}

const perSecond = (amount: number, ms: number) => amount / (ms / 1000);
const kLines = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${Math.round(n / 1000)} k`);
const oneDecimal = (n: number) => n.toFixed(1);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function benchOne(engine: DockerEngine, raw: RawEngine, container: LogContainer, options: LogThroughputOptions): Promise<ThroughputResult> {
  const expected = { ...expectedText(options.lines), lines: options.lines };
  const costs: Record<Variant, RunCost[]> = { strata: [], raw: [], cli: [], cliTimestamps: [] };
  const strataRuns: StrataRun[] = [];
  const rawRuns: ProbeResult[] = [];
  let timestampBytes = 0;
  const record = (variant: Variant, cost: RunCost) => {
    costs[variant].push(cost);
    return cost.ms;
  };
  await interleave(
    options.runs,
    {
      strata: async () => {
        const run = await strataFollow(engine, container.id, expected);
        strataRuns.push(run);
        return record('strata', run);
      },
      raw: async () => {
        const run = await rawFollow(raw, container.id);
        if (timestampBytes && run.bytes !== timestampBytes) {
          throw new Error(`the log of ${container.id.slice(0, 12)} changed size between runs (${timestampBytes} → ${run.bytes} bytes)`);
        }
        timestampBytes = run.bytes;
        rawRuns.push(run);
        return record('raw', run);
      },
      cli: async () => record('cli', await dockerLogs(container.id, false)),
      cliTimestamps: async () => record('cliTimestamps', await dockerLogs(container.id, true)),
    },
    WARMUPS,
  );
  // The warm-up runs went first; the rest are the measured ones.
  const measured = (variant: Variant) => costs[variant].slice(WARMUPS);
  const perVariant = (f: (v: Variant) => number): PerVariant => ({ strata: f('strata'), raw: f('raw'), cli: f('cli'), cliTimestamps: f('cliTimestamps') });
  const summaries = Object.fromEntries(VARIANTS.map((v) => [v, summarize(measured(v).map((c) => c.ms))])) as Record<Variant, Summary>;
  const linesPerSecond = perVariant((v) => perSecond(options.lines, summaries[v].median));
  // Bytes of the engine's response each reader asked for: with timestamps but for plain `docker logs`.
  const mbPerSecond = perVariant((v) => perSecond((v === 'cli' ? container.plainBytes : timestampBytes) / MB, summaries[v].median));
  const readerCpuMs = perVariant((v) => median(measured(v).map((c) => c.cpuMs)));
  const engineKnown = VARIANTS.every((v) => measured(v).every((c) => c.engineCpuMs !== undefined));
  const engineCpu = engineKnown ? perVariant((v) => median(measured(v).map((c) => c.engineCpuMs ?? NaN))) : undefined;
  const toCli = linesPerSecond.strata / linesPerSecond.cli;
  const toRaw = linesPerSecond.strata / linesPerSecond.raw;
  const cpuNote =
    `CPU s per run (medians): reader Strata ${seconds(readerCpuMs.strata)}, raw ${seconds(readerCpuMs.raw)}, ` +
    `CLI client ${seconds(readerCpuMs.cli)} (-t ${seconds(readerCpuMs.cliTimestamps)})` +
    (engineCpu ? `; dockerd ${seconds(engineCpu.strata)} / ${seconds(engineCpu.raw)} / ${seconds(engineCpu.cli)} / ${seconds(engineCpu.cliTimestamps)}` : '');
  return {
    name: `log follow ${kLines(options.lines)} lines${container.tty ? ', TTY' : ''}`,
    strata: summaries.strata,
    raw: summaries.raw,
    cli: summaries.cli,
    goal: `Strata ≥ ${THROUGHPUT_GOAL.toFixed(1)}× CLI lines/s`,
    met: toCli >= THROUGHPUT_GOAL,
    note:
      `ms for all lines. lines/s: Strata ${kLines(linesPerSecond.strata)}, raw ${kLines(linesPerSecond.raw)}, ` +
      `CLI ${kLines(linesPerSecond.cli)} (docker logs -t: ${kLines(linesPerSecond.cliTimestamps)}, ${summaries.cliTimestamps.median.toFixed(0)} ms); ` +
      `MB/s of response: Strata ${oneDecimal(mbPerSecond.strata)}, raw ${oneDecimal(mbPerSecond.raw)}, CLI ${oneDecimal(mbPerSecond.cli)} ` +
      `(${oneDecimal(timestampBytes / MB)} MB with timestamps, ${oneDecimal(container.plainBytes / MB)} MB without); ` +
      `Strata throughput = ${toCli.toFixed(2)}× CLI, ${toRaw.toFixed(2)}× raw. ${cpuNote}.`,
    tty: container.tty,
    lines: options.lines,
    cliTimestamps: summaries.cliTimestamps,
    responseBytes: { timestamps: timestampBytes, plain: container.plainBytes },
    linesPerSecond,
    mbPerSecond,
    readerCpuMs,
    ...(engineCpu ? { engineCpuMs: engineCpu } : {}),
    strataToCliThroughput: toCli,
    strataToRawThroughput: toRaw,
    strataRuns: strataRuns.slice(WARMUPS),
    rawRuns: rawRuns.slice(WARMUPS),
  };
}

const medianOf = (runs: ProbeResult[], key: keyof ProbeResult) => median(runs.map((r) => r[key] ?? NaN));
const variantName = (r: ThroughputResult) => (r.tty ? 'TTY' : 'no TTY');
/** The row whose Strata runs have the highest median `key`: the one the goal is judged by. */
const worstFor = (rows: ThroughputResult[], key: keyof ProbeResult) => rows.reduce((a, b) => (medianOf(a.strataRuns, key) >= medianOf(b.strataRuns, key) ? a : b));

function loopRow(rows: ThroughputResult[]): CaseResult {
  const worst = worstFor(rows, 'loopP99Ms');
  const parts = rows.map(
    (r) =>
      `${variantName(r)} ${medianOf(r.strataRuns, 'loopP99Ms').toFixed(1)} ms (max ${medianOf(r.strataRuns, 'loopMaxMs').toFixed(1)}; ` +
      `raw reader ${medianOf(r.rawRuns, 'loopP99Ms').toFixed(1)})`,
  );
  return {
    name: 'log follow: event-loop delay p99',
    strata: summarize(worst.strataRuns.map((r) => r.loopP99Ms)),
    goal: `< ${LOOP_DELAY_GOAL_MS} ms`,
    met: rows.every((r) => medianOf(r.strataRuns, 'loopP99Ms') < LOOP_DELAY_GOAL_MS),
    note:
      `monitorEventLoopDelay (resolution ${LOOP_RESOLUTION_MS} ms; a sample is the whole interval, so an idle loop shows ~${LOOP_RESOLUTION_MS} ms) ` +
      `during Strata's runs, median of the runs' p99, worst variant shown: ${parts.join(', ')}.`,
  };
}

function heapRow(rows: ThroughputResult[]): CaseResult {
  const worst = worstFor(rows, 'heapPeakGrowthMB');
  const parts = rows.map(
    (r) =>
      `${variantName(r)}: before ${medianOf(r.strataRuns, 'heapBeforeMB').toFixed(1)}, peak ${medianOf(r.strataRuns, 'heapPeakMB').toFixed(1)}, ` +
      `at the end ${medianOf(r.strataRuns, 'heapAfterMB').toFixed(1)}, retained after GC ${medianOf(r.strataRuns, 'heapRetainedMB').toFixed(2)} ` +
      `(raw reader: peak +${medianOf(r.rawRuns, 'heapPeakGrowthMB').toFixed(1)})`,
  );
  return {
    name: 'log follow: heap peak growth',
    strata: summarize(worst.strataRuns.map((r) => r.heapPeakGrowthMB)),
    unit: 'MB',
    goal: `flat: peak < +${HEAP_PEAK_GOAL_MB} MB, retained < ${HEAP_RETAINED_GOAL_MB} MB`,
    met: rows.every((r) => medianOf(r.strataRuns, 'heapPeakGrowthMB') < HEAP_PEAK_GOAL_MB && medianOf(r.strataRuns, 'heapRetainedMB') < HEAP_RETAINED_GOAL_MB),
    note: `heapUsed sampled every ${HEAP_SAMPLE_MS} ms during Strata's runs, from a full GC at the start; MB, medians, worst variant shown. ${parts.join('; ')}.`,
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
    for (const container of containers) {
      log(`log throughput${container.tty ? ', TTY' : ''}: ${options.runs} runs each (+${WARMUPS} warm-up)…`);
      rows.push(await benchOne(engine, raw, container, options));
    }
    return {
      results: [...rows, loopRow(rows), heapRow(rows)],
      context: { logLines: options.lines, logRuns: options.runs, logImage: image },
    };
  } finally {
    for (const c of containers) {
      await docker.getContainer(c.id).remove({ force: true }).catch(() => undefined);
    }
  }
}
