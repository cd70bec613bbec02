/**
 * Compare on two large images that share a base: the realistic image (≥ 300 MB) and a
 * rebuild of it with one more layer. Comparing them (one export of both, shared layers
 * read once, then the comparison) beside analysing the larger alone, the raw export of
 * both to nowhere, and `docker save A B | tar -t`. Also the rebuilt case: the older image
 * already analysed, so only the newer one's new layer is parsed. Bytes read are reported.
 */
import { spawn } from 'child_process';
import Docker from 'dockerode';
import * as tar from 'tar-stream';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import { compareImages } from '../../../src/analysis/compare/imageCompare';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { timed } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, summarize } from '../stats';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The realistic image with a 20 MB layer more: what a rebuild after an edit gives. */
export async function prepareRebuilt(docker: Docker, base: string, tag: string, label: string): Promise<string> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, [`FROM ${base}`, 'COPY data /srv/data', `LABEL ${label}`].join('\n'));
  for (let i = 0; i < 200; i++) {
    pack.entry({ name: `data/chunk${i}.bin` }, Buffer.alloc(100_000, (i * 31) % 256));
  }
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: tag, rm: true, forcerm: true });
  const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res))),
  );
  const failure = output.find((o) => o.error);
  if (failure) {
    throw new Error(`building ${tag} failed: ${failure.error}`);
  }
  return tag;
}

function cliSaveBoth(a: string, b: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `docker save "${a}" "${b}" | tar -t > /dev/null`], { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker save | tar -t exited ${code}`))));
  });
}

export async function benchCompare(
  engine: DockerEngine,
  raw: RawEngine,
  older: string,
  newer: string,
  runs: number,
): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const ids = await Promise.all([older, newer].map(async (r) => (await engine.inspectImage(r)).Id));
  // Which archive of the export is which image: by its config digest, the image id.
  const which = (archive: { configDigest?: string }) => ids.find((id) => id === archive.configDigest);
  const pair = (cache: AnalysisCache, counter: { bytes: number }) =>
    cache.analyzePair(
      [ids[0], ids[1]],
      () => engine.exportImages([older, newer]),
      (key) => engine.exportImage(key),
      which,
      { onProgress: (bytes) => (counter.bytes = bytes) },
    );

  const alone: number[] = [];
  const compare: number[] = [];
  const rebuilt: number[] = [];
  const rawBoth: number[] = [];
  const cli: number[] = [];
  const read = { alone: 0, compare: 0, rebuilt: 0, raw: 0 };
  let differences = 0;
  let sharedLayers = 0;
  for (let i = 0; i < runs; i++) {
    // Turns rotate so that drift falls on every variant alike.
    for (const k of [0, 1, 2, 3, 4].map((n) => (i + n) % 5)) {
      if (k === 0) {
        const counter = { bytes: 0 };
        alone.push(await timed(() => new AnalysisCache().analyze(ids[1], () => engine.exportImage(ids[1]), { onProgress: (b) => (counter.bytes = b) })));
        read.alone = counter.bytes;
      } else if (k === 1) {
        const counter = { bytes: 0 };
        compare.push(
          await timed(async () => {
            const [a, b] = await pair(new AnalysisCache(), counter);
            const c = compareImages(a, b);
            differences = c.differences.length;
            sharedLayers = c.sharedLayers;
          }),
        );
        read.compare = counter.bytes;
      } else if (k === 2) {
        // The older one analysed before (the panel was open on it): the compare parses the new layer only.
        const cache = new AnalysisCache();
        await cache.analyze(ids[0], () => engine.exportImage(ids[0]));
        const counter = { bytes: 0 };
        rebuilt.push(await timed(async () => compareImages(...(await pair(cache, counter)))));
        read.rebuilt = counter.bytes;
      } else if (k === 3) {
        rawBoth.push(await timed(async () => (read.raw = await raw.drain(`/images/get?names=${encodeURIComponent(older)}&names=${encodeURIComponent(newer)}`))));
      } else {
        cli.push(await timed(() => cliSaveBoth(older, newer)));
      }
    }
  }
  const a = summarize(alone);
  const c = summarize(compare);
  const ratio = c.median / a.median;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  log(`compare: ${differences} differences, ${sharedLayers} shared layers`);
  return {
    results: [
      {
        name: 'compare two images sharing a base',
        strata: c,
        raw: summarize(rawBoth),
        cli: summarize(cli),
        goal: '≤ 1.15× analysing the larger alone',
        met: ratio <= 1.15,
        note: `analysing the larger alone ${a.median.toFixed(0)} ms (ratio ${ratio.toFixed(2)}); bytes read: compare ${mb(read.compare)}, alone ${mb(read.alone)}, raw export of both ${mb(read.raw)}`,
      },
      {
        name: 'compare after the older was analysed',
        strata: summarize(rebuilt),
        goal: 'reported',
        note: `reads ${mb(read.rebuilt)} (the newer's export; its shared layers stream past unparsed)`,
      },
    ],
    context: { compareImages: [older, newer], compareBytes: read, compareRatio: Number(ratio.toFixed(3)), compareDifferences: differences },
  };
}
