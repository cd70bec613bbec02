/**
 * `npm run bench [-- --runs N] [-- --json]`: how Strata's engine layer compares with the
 * bare Engine API (the floor) and with the docker CLI, on images the bench builds itself.
 * The table (or JSON) goes to stdout; progress and fixture build times go to stderr.
 */
import Docker from 'dockerode';
import { parseArgs } from 'util';
import { DockerEngine } from '../../src/engine/dockerEngine';
import { TEST_LABEL, removeOrphanFixtureImages } from '../harness/fixtureImages';
import { benchEventLatency } from './eventLatency';
import { buildBenchImages, removeBenchImages } from './fixtures';
import { benchLayerStack, checkStack } from './layerStack';
import { benchListImages } from './listImages';
import { RawEngine } from './rawEngine';
import { type CaseResult, formatTable, toJson } from './stats';

/** The bench's share of the engine's list: 3 chain images + variants. */
const FIXTURE_IMAGES = 100;

const log = (line: string) => process.stderr.write(`${line}\n`);

function options(): { runs: number; json: boolean } {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs wants a whole number of at least 1, not "${values.runs}"`);
  }
  return { runs, json: values.json ?? false };
}

async function versions(docker: Docker): Promise<{ engine: string; api: string; node: string }> {
  const v = await docker.version();
  return { engine: v.Version, api: v.ApiVersion, node: process.version };
}

async function runCases(engine: DockerEngine, raw: RawEngine, docker: Docker, runs: number) {
  const images = await buildBenchImages(docker, FIXTURE_IMAGES, log);
  log(`target: ${images.target.reference}: ${await checkStack(engine, images.target.id, 3)}`);
  const results: CaseResult[] = [];

  log(`list: ${runs} runs each…`);
  const list = await benchListImages(engine, raw, runs);
  results.push(list);
  log(`layer stack: ${runs} runs each…`);
  results.push(...(await benchLayerStack(engine, raw, images.target.id, runs)));
  log(`event latency: ${runs} runs each…`);
  const repository = images.target.reference.split(':')[0];
  results.push(...(await benchEventLatency(engine, raw, images.target.id, repository, runs)));
  return { results, context: { runs, imagesListed: list.listed, fixtureImages: FIXTURE_IMAGES, fixtureBuildSeconds: images.buildSeconds } };
}

async function main(): Promise<void> {
  const { runs, json } = options();
  const docker = new Docker();
  const engine = new DockerEngine();
  const raw = new RawEngine(engine.endpoint);
  await engine.ping();
  await removeOrphanFixtureImages(docker);
  try {
    const { results, context } = await runCases(engine, raw, docker, runs);
    const all = { ...context, ...(await versions(docker)) };
    if (json) {
      process.stdout.write(`${toJson(results, all)}\n`);
    } else {
      log(`engine ${all.engine} (API ${all.api}), Node ${all.node}, ${all.imagesListed} images listed, medians of ${runs} runs`);
      process.stdout.write(`${formatTable(results)}\n`);
    }
  } finally {
    log('removing the bench images…');
    const left = await removeBenchImages(docker);
    if (left > 0) {
      log(`${left} bench images could not be removed (label ${TEST_LABEL}=${process.pid})`);
    }
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
