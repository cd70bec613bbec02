/**
 * The images the bench measures against, built on the real engine from busybox (no
 * registry is reachable): a base → runtime → app chain, and enough variants of the app,
 * each with a layer of its own, to make the bench's share of the list `total` images
 * with distinct ids. A variant's stack then has three local bases to find and align.
 */
import Docker from 'dockerode';
import { performance } from 'perf_hooks';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';

export interface BenchImages {
  /** Every image the bench built, by reference. */
  references: string[];
  chain: { base: string; runtime: string; app: string };
  /** The image whose layer stack is measured: a variant, with the whole chain below it. */
  target: { id: string; reference: string };
  /** Seconds the builds took. */
  buildSeconds: number;
}

/** Builds with at most `limit` at once: the engine overlaps the context upload and the commits. */
async function inBatches<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await fn(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function buildChain(docker: Docker, tag: string): Promise<BenchImages['chain']> {
  const chain = {
    base: `strata-bench/base:${tag}`,
    runtime: `strata-bench/runtime:${tag}`,
    app: `strata-bench/app:${tag}`,
  };
  // A bottom layer unique to this run: no other image on the engine shares the chain.
  await buildFixtureImage(docker, chain.base, {
    unique: true,
    steps: ['RUN mkdir -p /etc/base && echo base > /etc/base/release', 'ENV PATH=/bin', 'CMD ["sh"]'],
  });
  await buildFixtureImage(docker, chain.runtime, {
    dockerfile: [`FROM ${chain.base}`, 'RUN mkdir -p /runtime && echo rt > /runtime/version', 'ENV RUNTIME_HOME=/runtime', 'COPY runtime.conf /runtime/'].join('\n'),
    files: { 'runtime.conf': 'threads=2\n' },
  });
  await buildFixtureImage(docker, chain.app, {
    dockerfile: [`FROM ${chain.runtime}`, 'WORKDIR /app', 'COPY app.txt /app/', 'RUN echo built > /app/build-info', 'CMD ["cat", "/app/app.txt"]'].join('\n'),
    files: { 'app.txt': 'hello from the app\n' },
  });
  return chain;
}

export async function buildBenchImages(docker: Docker, total: number, log: (line: string) => void): Promise<BenchImages> {
  const start = performance.now();
  const tag = runTag('bench');
  const chain = await buildChain(docker, tag);
  log(`fixtures: chain base → runtime → app built in ${((performance.now() - start) / 1000).toFixed(1)} s`);

  const variants = Array.from({ length: total - 3 }, (_, i) => `strata-bench/app-variant-${String(i + 1).padStart(2, '0')}:${tag}`);
  // COPY adds a layer without starting a container, the cheapest way to a distinct layer.
  await inBatches(variants, 4, async (reference) => {
    await buildFixtureImage(docker, reference, {
      dockerfile: [`FROM ${chain.app}`, 'COPY variant.txt /app/variant.txt', `LABEL strata.bench.variant="${reference}"`].join('\n'),
      files: { 'variant.txt': `${reference}\n` },
    });
  });

  const target = variants[0];
  const buildSeconds = (performance.now() - start) / 1000;
  log(`fixtures: ${total} images built in ${buildSeconds.toFixed(1)} s`);
  return {
    references: [chain.base, chain.runtime, chain.app, ...variants],
    chain,
    target: { id: (await docker.getImage(target).inspect()).Id, reference: target },
    buildSeconds,
  };
}

/** Removes this run's bench images; returns how many could not be removed. */
export async function removeBenchImages(docker: Docker): Promise<number> {
  await removeFixtureImages(docker);
  return (await docker.listImages({ all: true, filters: { label: [`${TEST_LABEL}=${process.pid}`] } })).length;
}
