/**
 * Case `registry`: images read straight from a registry, no engine, beside the anchors in
 * the same run: the realistic image analysed from the harness's open registry (a fresh
 * cache each run) beside `skopeo copy docker://… dir:…` (download only) and beside
 * `docker pull` followed by Strata's engine analysis; the same digest again (the cache on
 * disk: one manifest request, no blob); two tags that share a base compared (the second
 * reads only the layers the first does not have); the RSS growth of a remote analysis.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { LayerCache } from '../../../src/sources/layerCache';
import { analyzeSource, localPlatform } from '../../../src/sources/openSource';
import { RegistryClient } from '../../../src/sources/registry/registryClient';
import { RegistrySource } from '../../../src/sources/registrySource';
import { parseReference } from '../../../src/model/reference';
import type { TestEngine } from '../../harness/testEngines';
import { peakRssGrowth } from './analysisThroughput';
import { timed } from '../measure';
import { type CaseResult, summarize } from '../stats';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** What one remote analysis asked of the registry. */
interface Asked {
  manifests: number;
  blobs: number;
}

function counting(registry: string): { client: RegistryClient; asked: Asked } {
  const asked: Asked = { manifests: 0, blobs: 0 };
  const client = new RegistryClient(registry, {
    onRequest: (_method, url) => {
      if (/\/manifests\//.test(url)) {
        asked.manifests++;
      } else if (/\/blobs\//.test(url)) {
        asked.blobs++;
      }
    },
  });
  return { client, asked };
}

/** A remote analysis with a cache on disk in `dir` (a fresh folder: nothing known). */
async function remoteAnalysis(reference: string, dir: string): Promise<{ analysis: ImageAnalysis; asked: Asked }> {
  const parsed = parseReference(reference);
  if (!parsed.ok) {
    throw new Error(parsed.error);
  }
  const { client, asked } = counting(parsed.reference.registry);
  const cache = new AnalysisCache(() => 1024 ** 3, new LayerCache(dir));
  const analysis = await analyzeSource(cache, new RegistrySource(client, parsed.reference), { preferPlatform: localPlatform() });
  await cache.flush();
  return { analysis, asked };
}

function skopeoCopy(reference: string): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-skopeo-'));
  return new Promise<void>((resolve, reject) => {
    const child = spawn('skopeo', ['copy', '-q', `docker://${reference}`, `dir:${out}`, '--src-tls-verify=false'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`skopeo copy exited ${code}: ${err.trim()}`))));
  }).finally(() => fs.rmSync(out, { recursive: true, force: true }));
}

/** `docker pull` into an engine that does not have the image, then Strata's analysis of its export. */
async function pullThenAnalyze(target: TestEngine, reference: string): Promise<number> {
  const docker = new Docker({ socketPath: target.fixtureSocket });
  await docker.getImage(reference).remove({ force: true }).catch(() => undefined);
  const engine = DockerEngine.fromUrl(`unix://${target.fixtureSocket}`);
  try {
    return await timed(async () => {
      execFileSync('docker', ['-H', `unix://${target.fixtureSocket}`, 'pull', '-q', reference], { stdio: 'ignore' });
      new ImageAnalysis(await readImageArchive(await engine.exportImage(reference), { hashContents: true }));
    });
  } finally {
    engine.dispose();
    await docker.getImage(reference).remove({ force: true }).catch(() => undefined);
  }
}

/** The compressed size of each layer blob of a tag (its manifest's descriptors). */
async function layerBlobs(reference: string): Promise<Map<string, number>> {
  const parsed = parseReference(reference);
  if (!parsed.ok) {
    throw new Error(parsed.error);
  }
  const r = parsed.reference;
  const manifest = await new RegistryClient(r.registry).manifest(r.repository, r.tag ?? 'latest');
  return new Map(((manifest.json.layers as Array<{ digest: string; size: number }>) ?? []).map((l) => [l.digest, l.size]));
}

export async function benchRegistry(pullInto: TestEngine, reference: string, rebuilt: string, runs: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const fresh = () => fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-cache-'));
  const dirs: string[] = [];
  const strata: number[] = [];
  const skopeo: number[] = [];
  const pulled: number[] = [];
  const rss: number[] = [];
  let cold: { analysis: ImageAnalysis; asked: Asked } | undefined;
  try {
    log(`registry: ${reference}, ${runs} runs each (Strata's remote analysis, skopeo copy, docker pull + analysis)…`);
    for (let i = 0; i < runs; i++) {
      for (const k of [0, 1, 2].map((n) => (i + n) % 3)) {
        if (k === 0) {
          const dir = fresh();
          dirs.push(dir);
          let ms = 0;
          rss.push(await peakRssGrowth(async () => (ms = await timed(async () => (cold = await remoteAnalysis(reference, dir))))));
          strata.push(ms);
        } else if (k === 1) {
          skopeo.push(await timed(() => skopeoCopy(reference)));
        } else {
          pulled.push(await pullThenAnalyze(pullInto, reference));
        }
      }
    }
    // The same digest again, as a new process would: the cache on disk of the last cold run.
    const again: number[] = [];
    let warm: Asked | undefined;
    for (let i = 0; i < runs; i++) {
      again.push(await timed(async () => (warm = (await remoteAnalysis(reference, dirs[dirs.length - 1])).asked)));
    }
    // Two tags sharing a base: the first read whole, the second knowing the first's layers.
    const [blobsA, blobsB] = await Promise.all([layerBlobs(reference), layerBlobs(rebuilt)]);
    const differing = [...blobsB].filter(([d]) => !blobsA.has(d)).reduce((n, [, size]) => n + size, 0);
    const compareDir = fresh();
    dirs.push(compareDir);
    const parsedA = parseReference(reference);
    const parsedB = parseReference(rebuilt);
    if (!parsedA.ok || !parsedB.ok) {
      throw new Error('bad references');
    }
    const { client } = counting(parsedA.reference.registry);
    const cache = new AnalysisCache(() => 1024 ** 3, new LayerCache(compareDir));
    await analyzeSource(cache, new RegistrySource(client, parsedA.reference), { preferPlatform: localPlatform() });
    const second = await analyzeSource(cache, new RegistrySource(client, parsedB.reference), { preferPlatform: localPlatform() });
    const secondBytes = second.cost?.bytesRead ?? 0;

    const s = summarize(strata);
    const k = summarize(skopeo);
    const p = summarize(pulled);
    const a = summarize(again);
    const mb = (cold?.analysis.cost?.bytesRead ?? 0) / 1e6;
    const results: CaseResult[] = [
      {
        name: `registry: analysis of ${mb.toFixed(0)} MB of blobs`,
        strata: s,
        cli: k,
        goal: '≤ 1.15× skopeo copy',
        met: s.median / k.median <= 1.15,
        note: `CLI column: skopeo copy docker://… dir:… (download only); Strata/skopeo ${(s.median / k.median).toFixed(2)}; ${cold?.asked.blobs} blob requests`,
      },
      {
        name: 'registry: analysis vs docker pull + engine analysis',
        strata: s,
        cli: p,
        goal: 'reported (well under 1)',
        note: `CLI column: docker pull into ${pullInto.name} then Strata's analysis of the export; ratio ${(s.median / p.median).toFixed(2)}`,
      },
      {
        name: 'registry: the same digest again',
        strata: a,
        goal: '≤ 300 ms, 0 blob requests',
        met: a.median <= 300 && warm?.blobs === 0,
        note: `a new cache object on the same folder, as another process; asked ${warm?.manifests} manifest(s) and ${warm?.blobs} blob(s)`,
      },
      {
        name: 'registry: compare two tags, bytes read for the second',
        strata: summarize([secondBytes / 1e6]),
        goal: '≤ 1.01× the differing layers',
        met: secondBytes <= 1.01 * differing,
        unit: 'MB',
        note: `the differing layers' blobs: ${(differing / 1e6).toFixed(1)} MB; read ${(secondBytes / 1e6).toFixed(1)} MB`,
      },
      {
        name: 'registry: RSS growth during a remote analysis',
        strata: summarize(rss),
        goal: '< 150 MB',
        met: summarize(rss).median < 150,
        unit: 'MB',
      },
    ];
    return { results, context: { registryReference: reference, registryBlobBytes: cold?.analysis.cost?.bytesRead, registryDiffering: differing, registrySecondBytes: secondBytes } };
  } finally {
    for (const d of dirs) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
}
