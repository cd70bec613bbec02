/**
 * Scale: 500 images and 100 containers on the engine (imported tiny images and created
 * containers, quick to make), then:
 * - the Images and Containers views' lists beside the raw lists;
 * - expanding an image right after activation ("cold": the list known, nothing else)
 *   beside the raw inspect + history of that image;
 * - an event storm (100 tags in about a second): how many refreshes LiveUpdates makes;
 * - memory across 20 analyses of different images, with the cache bounded.
 */
import Docker from 'dockerode';
import { performance } from 'perf_hooks';
import { Readable } from 'stream';
import * as tar from 'tar-stream';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { sortContainers } from '../../../src/model/containers/containers';
import { groupByRepository } from '../../../src/model/images';
import { LiveUpdates } from '../../../src/views/liveUpdates';
import { TEST_LABEL, runTag } from '../../harness/fixtures/fixtureImages';
import { interleave, timed } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, ratio, summarize } from '../stats';

export const SCALE_LIST_GOAL = 1.3;
export const COLD_EXPAND_GOAL = 3;

function tinyTar(i: number): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: `scale/${i}.txt` }, `image ${i} ${Math.random()}\n`);
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

/** A distinct image per tiny tar (POST /images/create?fromSrc=-), labelled for removal. */
export async function prepareScale(docker: Docker, images: number, containers: number): Promise<{ references: string[]; containerIds: string[]; seconds: number }> {
  const start = performance.now();
  const tag = runTag('scale');
  const references: string[] = [];
  // Import is cheap but sequential per engine; a few at once.
  let next = 0;
  const worker = async () => {
    while (next < images) {
      const i = next++;
      const reference = `strata-scale/img-${String(i).padStart(3, '0')}:${tag}`;
      const body = await tinyTar(i);
      await new Promise<void>((resolve, reject) =>
        docker.importImage(Readable.from([body]) as unknown as string, { repo: reference.split(':')[0], tag, changes: [`LABEL ${TEST_LABEL}=${process.pid}`] } as object, (err: unknown, s: NodeJS.ReadableStream | undefined) => {
          if (err || !s) {
            reject(err);
            return;
          }
          s.resume();
          s.on('end', () => resolve());
        }),
      );
      references.push(reference);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const containerIds: string[] = [];
  for (let i = 0; i < containers; i++) {
    const c = await docker.createContainer({ Image: references[i % references.length], Cmd: ['/scale'], Labels: { [TEST_LABEL]: String(process.pid) } });
    containerIds.push(c.id);
  }
  return { references, containerIds, seconds: (performance.now() - start) / 1000 };
}

export async function benchScale(engine: DockerEngine, raw: RawEngine, docker: Docker, runs: number, analysisTargets: string[]): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const listed = (await raw.listImages()).length;
  const containers = (await docker.listContainers({ all: true })).length;
  // The views' whole work: the list, and grouping / sorting as drawn.
  const lists = await interleave(runs, {
    strata: () => timed(async () => groupByRepository(await engine.listImages(), { showDangling: false, sortBy: 'created' })),
    raw: () => timed(() => raw.listImages()),
  });
  const containerLists = await interleave(runs, {
    strata: () => timed(async () => sortContainers(await engine.listContainers())),
    raw: () => timed(() => raw.request('GET', '/containers/json?all=1')),
  });
  // Cold expand: a fresh index whose list is known (the tree is drawn), nothing inspected.
  const images = await engine.listImages();
  const target = images.find((i) => i.repoTags.some((t) => t.startsWith('strata-scale/img-250')))?.id ?? images[0].id;
  const expands = await interleave(runs, {
    strata: async () => {
      const index = new ImageIndex({ engine });
      await index.list();
      return timed(() => index.layerStack(target, { waitForBases: false }));
    },
    raw: () => timed(() => raw.inspectAndHistory(target)),
  });

  // An event storm: 100 tags as fast as the API takes them; refreshes counted.
  let refreshes = 0;
  const live = new LiveUpdates({ engine }, new ImageIndex({ engine }), { images: () => refreshes++, containers: () => undefined, containerStarted: () => undefined, imageRemoved: () => undefined, containerRemoved: () => undefined }, { info: () => undefined } as never);
  await new Promise((r) => setTimeout(r, 300));
  const stormStart = performance.now();
  for (let i = 0; i < 100; i++) {
    await docker.getImage(target).tag({ repo: 'strata-scale/storm', tag: `t${i}` });
  }
  const stormSeconds = (performance.now() - stormStart) / 1000;
  await new Promise((r) => setTimeout(r, 1500));
  live.dispose();

  // Memory: 20 analyses of different images through a cache bounded at 32 MB.
  const cache = new AnalysisCache(() => 32 * 1024 * 1024);
  const heap: number[] = [];
  for (const ref of analysisTargets.slice(0, 20)) {
    await cache.analyze(ref, () => engine.exportImage(ref));
    global.gc?.();
    heap.push(process.memoryUsage().heapUsed / 1e6);
  }

  const judged = (name: string, s: number[], r: number[], goal: number, note: string): CaseResult => {
    const c: CaseResult = { name, strata: summarize(s), raw: summarize(r), goal: `Strata ≤ ${goal}× raw`, note };
    c.met = (ratio(c.strata, c.raw as NonNullable<CaseResult['raw']>) ?? Infinity) <= goal;
    return c;
  };
  return {
    results: [
      judged(`Images view list, ${listed} images`, lists.strata, lists.raw, SCALE_LIST_GOAL, 'GET /images/json, checked and grouped by repository as the view draws it; raw: the bare GET.'),
      judged(`Containers view list, ${containers} containers`, containerLists.strata, containerLists.raw, SCALE_LIST_GOAL, 'GET /containers/json?all=1, checked and sorted; raw: the bare GET.'),
      judged('expand an image right after activation', expands.strata, expands.raw, COLD_EXPAND_GOAL, 'a fresh index with the list known: inspect + history aligned, bases added later; raw: inspect + history.'),
    ],
    context: {
      scaleImages: listed,
      scaleContainers: containers,
      stormTags: 100,
      stormSeconds: Number(stormSeconds.toFixed(2)),
      stormRefreshes: refreshes,
      analysesHeapMb: heap.map((h) => Number(h.toFixed(1))),
      analysesCacheMb: Number((cache.usage.bytes / 1e6).toFixed(1)),
    },
  };
}
