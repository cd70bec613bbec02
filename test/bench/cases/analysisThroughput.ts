/**
 * Layer analysis on a realistic image: a debootstrap Debian base, an `apt-get install`
 * layer and an application layer (≥ 300 MB, ≥ 10,000 files), side by side with reading
 * the same export stream to nowhere (the floor for any analysis: the engine's own
 * export speed) and with `docker save | tar -t`. Also Strata's peak RSS growth, and the
 * host side of the Layers panel: the data for the stack, then the analysis, cold and cached.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import Docker from 'dockerode';
import * as tar from 'tar-stream';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { debianRootfs, finished } from '../../harness/fixtures/debianImage';
import { timed } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, summarize } from '../stats';

/** Kept between runs (building them takes minutes): remove with `docker rmi` when done. */
export const DEBIAN_BASE = 'strata-bench/debian:bookworm';
export const REALISTIC = 'strata-bench/realistic:1';
const KEEP_LABEL = 'strata.bench.keep';
const APP_FILES = 3000;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function exists(docker: Docker, reference: string): Promise<boolean> {
  return docker
    .getImage(reference)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

/** Moves an image from one engine to another (save, then load), as `docker save | docker load` does. */
async function copyImage(from: Docker, to: Docker, reference: string): Promise<void> {
  log(`loading ${reference} from the host's engine…`);
  await finished(to, (await to.loadImage((await from.getImage(reference).get()) as NodeJS.ReadableStream)) as NodeJS.ReadableStream);
}

/**
 * `debootstrap --variant=minbase bookworm` (kept as a tar by the test harness: about 70 s,
 * once) imported as the base image into the engine under test through its API: the docker
 * CLI would reach its own default engine, and a build on another engine would then look
 * the base up on docker.io.
 */
async function importDebianBase(docker: Docker): Promise<void> {
  const [repo, tag] = DEBIAN_BASE.split(':');
  await finished(docker, (await docker.importImage(fs.createReadStream(debianRootfs(log)) as unknown as NodeJS.ReadableStream, { repo, tag, changes: [`LABEL ${KEEP_LABEL}=1`] } as object)) as NodeJS.ReadableStream);
}

/** The application layer's files: small sources and data of varied sizes. */
function appContext(dockerfile: string): tar.Pack {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  for (let i = 0; i < APP_FILES; i++) {
    const size = 200 + ((i * 7919) % 20_000);
    pack.entry({ name: `app/module${Math.floor(i / 100)}/file${i}.py` }, Buffer.alloc(size, i % 251));
  }
  pack.finalize();
  return pack;
}

/**
 * The realistic image on the engine under test (`docker`): kept from an earlier run, else
 * copied from the host's engine (`host`) when that has it, else built there on the Debian
 * base, itself copied from the host or imported into that engine.
 */
export async function prepareRealisticImage(docker: Docker, host?: Docker): Promise<string> {
  if (await exists(docker, REALISTIC)) {
    return REALISTIC;
  }
  // Another engine under test: the host's copy, moved over (far quicker than building again).
  if (host && (await exists(host, REALISTIC))) {
    await copyImage(host, docker, REALISTIC);
    return REALISTIC;
  }
  if (!(await exists(docker, DEBIAN_BASE))) {
    if (host && (await exists(host, DEBIAN_BASE))) {
      await copyImage(host, docker, DEBIAN_BASE);
    } else {
      await importDebianBase(docker);
    }
  }
  log(`building ${REALISTIC} (apt-get install; a few minutes)…`);
  const dockerfile = [
    `FROM ${DEBIAN_BASE}`,
    'RUN apt-get update && apt-get install -y --no-install-recommends python3 perl gcc libc6-dev && rm -rf /var/lib/apt/lists/*',
    'COPY app /srv/app',
    'CMD ["python3", "-c", "print(1)"]',
    `LABEL ${KEEP_LABEL}=1`,
  ].join('\n');
  const stream = await docker.buildImage(appContext(dockerfile) as unknown as NodeJS.ReadableStream, { t: REALISTIC, networkmode: 'host', rm: true, forcerm: true });
  const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res))),
  );
  const failure = output.find((o) => o.error);
  if (failure) {
    throw new Error(`building ${REALISTIC} failed: ${failure.error}`);
  }
  return REALISTIC;
}

/** Samples the process's RSS while `fn` runs; returns the peak growth over the start, in MB. */
export async function peakRssGrowth(fn: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return (Math.max(peak, process.memoryUsage().rss) - start) / 1e6;
}

function cliSaveList(reference: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `docker save "${reference}" | tar -t > /dev/null`], { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker save | tar -t exited ${code}`))));
  });
}

/**
 * What the content readers (package databases, and whatever else layerFacts.ts lists) add
 * to the layer pass: the same saved export read from disk with them and without any, in
 * turns. Read from a file, not the engine, so that the export's own speed does not blur it.
 */
async function benchContentReaders(engine: DockerEngine, reference: string, runs: number): Promise<CaseResult> {
  const saved = path.join(os.tmpdir(), `strata-bench-readers-${process.pid}.tar`);
  await pipeline(await engine.exportImage(reference), fs.createWriteStream(saved));
  try {
    const withReaders: number[] = [];
    const without: number[] = [];
    let facts = 0;
    for (let i = 0; i < Math.max(runs, 5); i++) {
      for (const which of i % 2 ? [0, 1] : [1, 0]) {
        if (which === 0) {
          withReaders.push(await timed(async () => (facts = (await readImageArchive(fs.createReadStream(saved))).layers.filter((l) => l.facts).length)));
        } else {
          without.push(await timed(() => readImageArchive(fs.createReadStream(saved), { contentReaders: () => [] })));
        }
      }
    }
    const w = summarize(withReaders);
    const n = summarize(without);
    const extra = w.median / n.median - 1;
    return {
      name: 'content readers in the layer pass (packages…)',
      strata: w,
      raw: n,
      goal: '≤ 10% over the pass without readers (packages and secrets together)',
      met: extra <= 0.1,
      note: `with the readers ${w.median.toFixed(0)} ms, without ${n.median.toFixed(0)} ms (+${(extra * 100).toFixed(1)}%), the saved export read from disk; ${facts} layers with facts`,
    };
  } finally {
    fs.rmSync(saved, { force: true });
  }
}

export async function benchAnalysis(engine: DockerEngine, raw: RawEngine, reference: string, runs: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const first = new ImageAnalysis(await readImageArchive(await engine.exportImage(reference)));
  const files = first.layers.reduce((n, l) => n + l.entryCount, 0);
  const bytes = await raw.drain(`/images/${encodeURIComponent(reference)}/get`);
  const mb = bytes / 1e6;
  log(`analysis: ${reference}: ${first.layers.length} layers, ${files} entries, export ${mb.toFixed(0)} MB; ${runs} runs each…`);

  const strata: number[] = [];
  const rss: number[] = [];
  const rawMs: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Turns rotate so that drift falls on all three alike.
    const order = [0, 1, 2].map((k) => (i + k) % 3);
    for (const which of order) {
      if (which === 0) {
        let ms = 0;
        rss.push(await peakRssGrowth(async () => (ms = await timed(async () => new ImageAnalysis(await readImageArchive(await engine.exportImage(reference)))))));
        strata.push(ms);
      } else if (which === 1) {
        rawMs.push(await timed(() => raw.drain(`/images/${encodeURIComponent(reference)}/get`)));
      } else {
        cli.push(await timed(() => cliSaveList(reference)));
      }
    }
  }
  const s = summarize(strata);
  const r = summarize(rawMs);
  const c = summarize(cli);
  const throughputRatio = r.median / s.median;

  const readers = await benchContentReaders(engine, reference, runs);

  // The host side of the Layers panel: what it waits for before drawing the stack, and
  // before filling in the files, with the analysis not yet made and already cached.
  const index = new ImageIndex({ engine: engine });
  await index.list();
  const id = (await engine.inspectImage(reference)).Id;
  const stackMs: number[] = [];
  const coldMs: number[] = [];
  const cachedMs: number[] = [];
  for (let i = 0; i < Math.max(3, Math.min(runs, 5)); i++) {
    index.forget(id);
    stackMs.push(await timed(() => Promise.all([engine.inspectImage(id), index.layerStack(id)])));
    const cache = new AnalysisCache();
    coldMs.push(await timed(() => cache.analyze(id, () => engine.exportImage(id))));
    cachedMs.push(await timed(() => cache.analyze(id, () => engine.exportImage(id))));
  }

  return {
    results: [
      {
        name: `analysis of ${mb.toFixed(0)} MB, ${files} entries`,
        strata: s,
        raw: r,
        cli: c,
        goal: 'throughput ≥ 0.85× raw',
        met: throughputRatio >= 0.85,
        note: `Strata ${(mb / (s.median / 1000)).toFixed(0)} MB/s, raw export to nowhere ${(mb / (r.median / 1000)).toFixed(0)} MB/s (ratio ${throughputRatio.toFixed(2)}), docker save | tar -t ${(mb / (c.median / 1000)).toFixed(0)} MB/s`,
      },
      {
        name: 'analysis peak RSS growth',
        strata: summarize(rss),
        goal: '< 150 MB',
        met: summarize(rss).median < 150,
        unit: 'MB',
        note: 'resident memory of the process during one analysis, over what it was before',
      },
      readers,
      {
        name: 'panel: stack data (not analysed)',
        strata: summarize(stackMs),
        goal: 'reported',
        note: 'inspect + layer stack: what the panel waits for before drawing the stack (the webview draws it after)',
      },
      {
        name: 'panel: analysis, not yet made',
        strata: summarize(coldMs),
        goal: 'reported',
      },
      {
        name: 'panel: analysis, already made',
        strata: summarize(cachedMs),
        goal: 'reported',
        note: 'cached for the window: the files show as soon as the webview asks',
      },
    ],
    context: { analysisImage: reference, analysisEntries: files, analysisExportMB: Math.round(mb), analysisRuns: runs },
  };
}
