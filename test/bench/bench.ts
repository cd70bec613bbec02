/**
 * `npm run bench [-- --runs N] [-- --json] [-- --only CASE …]`: how Strata's engine layer
 * compares with the bare Engine API (the floor) and with the docker CLI, on images the
 * bench builds itself. The table (or JSON) goes to stdout; progress and fixture build
 * times go to stderr. Cases: list, layer-stack, event-latency, log-throughput (its own
 * `--log-runs`, default 5, since one run reads a million lines; `--log-lines` to change
 * that count), analysis (`--analysis-runs`, default 5; builds a ≥ 300 MB Debian image
 * once and keeps it, see analysisThroughput.ts), ssh (the harness's engine over ssh beside
 * `docker -H ssh://…`, and the per-request overhead of ssh), panel (the Layers panel end to
 * end in code-server on the realistic image, and activation; `--analysis-runs`; see
 * panelEndToEnd.ts).
 */
import Docker from 'dockerode';
import { parseArgs } from 'util';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import type { EngineEndpoint } from '../../src/engine/connect/endpoint';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, removeOrphanFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, testEngine } from '../harness/testEngines';
import { REALISTIC, benchAnalysis, prepareRealisticImage } from './cases/analysisThroughput';
import { benchEventLatency } from './cases/eventLatency';
import { buildBenchImages, removeBenchImages } from './fixtures';
import { benchLayerStack, checkStack } from './cases/layerStack';
import { benchListImages } from './cases/listImages';
import { LOG_LINES, benchLogThroughput } from './cases/logThroughput';
import { RawEngine } from './rawEngine';
import { benchSsh } from './cases/sshEngine';
import { benchFirstExport } from './cases/firstExport';
import { benchScale, prepareScale } from './cases/scale';
import { benchCompare, prepareRebuilt } from './cases/compareImages';
import { benchPull, pushToRegistry } from './cases/pullImage';
import { benchPanel } from './cases/panelEndToEnd';
import { benchRegistry } from './cases/registryAnalysis';
import { type CaseResult, formatTable, toJson } from './stats';

/** The bench's share of the engine's list: 3 chain images + variants. */
const FIXTURE_IMAGES = 100;

const CASES = ['list', 'layer-stack', 'event-latency', 'log-throughput', 'analysis', 'ssh', 'first-export', 'scale', 'compare', 'pull', 'registry', 'panel'] as const;
type CaseName = (typeof CASES)[number];
/** The cases that measure against the built image fixtures. */
const IMAGE_CASES: readonly CaseName[] = ['list', 'layer-stack', 'event-latency', 'scale'];

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Options {
  runs: number;
  json: boolean;
  only: CaseName[];
  logRuns: number;
  logLines: number;
  analysisRuns: number;
  /** The harness engine to measure on (engines.json name): its socket for Strata, raw and the CLI. */
  engine: string;
}

function wholeNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--${name} wants a whole number of at least 1, not "${value}"`);
  }
  return n;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      json: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      'log-runs': { type: 'string', default: '5' },
      'log-lines': { type: 'string', default: String(LOG_LINES) },
      'analysis-runs': { type: 'string', default: '5' },
      engine: { type: 'string', default: 'host' },
    },
  });
  const only = (values.only ?? [...CASES]).flatMap((o) => o.split(','));
  const unknown = only.filter((o) => !(CASES as readonly string[]).includes(o));
  if (unknown.length) {
    throw new Error(`--only knows ${CASES.join(', ')}; not ${unknown.join(', ')}`);
  }
  return {
    runs: wholeNumber('runs', values.runs),
    json: values.json ?? false,
    only: only as CaseName[],
    logRuns: wholeNumber('log-runs', values['log-runs']),
    logLines: wholeNumber('log-lines', values['log-lines']),
    analysisRuns: wholeNumber('analysis-runs', values['analysis-runs']),
    engine: values.engine ?? 'host',
  };
}

async function versions(docker: Docker): Promise<{ engine: string; api: string; node: string }> {
  const v = await docker.version();
  return { engine: v.Version, api: v.ApiVersion, node: process.version };
}

/** Fills `results` and `context` case by case, so that a case that fails keeps the ones before it. */
async function runCases(engine: DockerEngine, raw: RawEngine, docker: Docker, opts: Options, results: CaseResult[], context: Record<string, unknown>): Promise<void> {
  const { runs, only } = opts;
  Object.assign(context, { runs, cases: only });

  if (only.some((c) => IMAGE_CASES.includes(c))) {
    const images = await buildBenchImages(docker, FIXTURE_IMAGES, log);
    Object.assign(context, { fixtureImages: FIXTURE_IMAGES, fixtureBuildSeconds: images.buildSeconds });
    log(`target: ${images.target.reference}: ${await checkStack(engine, images.target.id, 3)}`);
    if (only.includes('list')) {
      log(`list: ${runs} runs each…`);
      const list = await benchListImages(engine, raw, runs);
      results.push(list);
      context.imagesListed = list.listed;
    }
    if (only.includes('layer-stack')) {
      log(`layer stack: ${runs} runs each…`);
      results.push(...(await benchLayerStack(engine, raw, images.target.id, runs)));
    }
    if (only.includes('scale')) {
      log('scale: importing 500 images and creating 100 containers…');
      const made = await prepareScale(docker, 500, 100);
      log(`scale: made in ${made.seconds.toFixed(1)} s; ${runs} runs each…`);
      const scale = await benchScale(engine, raw, docker, runs, images.references.slice(3));
      results.push(...scale.results);
      Object.assign(context, scale.context);
    }
    if (only.includes('event-latency')) {
      log(`event latency: ${runs} runs each…`);
      const repository = images.target.reference.split(':')[0];
      results.push(...(await benchEventLatency(engine, raw, images.target.id, repository, runs)));
    }
  }
  if (only.includes('log-throughput')) {
    const logs = await benchLogThroughput(engine, raw, docker, { lines: opts.logLines, runs: opts.logRuns });
    results.push(...logs.results);
    Object.assign(context, logs.context);
  }
  if (only.includes('ssh')) {
    const ssh = testEngine('ssh');
    const sshDocker = fixtureClient(ssh);
    log(`ssh: ${runs} runs each, on ${ssh.title}…`);
    // A base and an app on it, and a few more images to list: a stack with a base to find.
    const sshTag = runTag('ssh');
    const sshBase = `strata-bench/ssh-base:${sshTag}`;
    await buildFixtureImage(sshDocker, sshBase, { unique: true, steps: ['RUN echo base > /base.txt'] });
    for (let i = 0; i < 4; i++) {
      await buildFixtureImage(sshDocker, `strata-bench/ssh-other-${i}:${sshTag}`, { dockerfile: `FROM ${sshBase}\nRUN echo ${i} > /other.txt` });
    }
    const id = await buildFixtureImage(sshDocker, `strata-bench/ssh:${sshTag}`, {
      dockerfile: [`FROM ${sshBase}`, 'RUN echo over ssh > /ssh.txt', 'ENV A=1', 'COPY f /f'].join('\n'),
      files: { f: 'x'.repeat(1000) },
    });
    try {
      const ssh_ = await benchSsh(ssh, id, runs);
      results.push(...ssh_.results);
      Object.assign(context, ssh_.context);
    } finally {
      await removeFixtureImages(sshDocker);
    }
  }
  if (only.includes('first-export')) {
    // The engine named by --engine unless it is the host's (never restarted here): then Docker 28's containerd store.
    const t = testEngine(opts.engine === 'host' ? 'docker28-containerd' : opts.engine);
    const reference = await prepareRealisticImage(fixtureClient(t), new Docker({ socketPath: '/var/run/docker.sock' }));
    log(`first export: restarting ${t.name} ${opts.analysisRuns * 2} times…`);
    const first = await benchFirstExport(t, reference, opts.analysisRuns * 2);
    results.push(...first.results);
    Object.assign(context, first.context);
  }
  if (only.includes('analysis')) {
    const reference = await prepareRealisticImage(docker, opts.engine === 'host' ? undefined : new Docker({ socketPath: '/var/run/docker.sock' }));
    const analysis = await benchAnalysis(engine, raw, reference, opts.analysisRuns);
    results.push(...analysis.results);
    Object.assign(context, analysis.context);
  }
  if (only.includes('compare')) {
    const older = await prepareRealisticImage(docker, opts.engine === 'host' ? undefined : new Docker({ socketPath: '/var/run/docker.sock' }));
    const newer = await prepareRebuilt(docker, older, `strata-bench/realistic:rebuilt-${runTag('compare')}`, `${TEST_LABEL}=${process.pid}`);
    log(`compare: ${older} and ${newer}, ${opts.analysisRuns} runs each…`);
    const compare = await benchCompare(engine, raw, older, newer, opts.analysisRuns);
    results.push(...compare.results);
    Object.assign(context, compare.context);
  }
  if (only.includes('pull')) {
    const host = new Docker({ socketPath: '/var/run/docker.sock' });
    const reference = await pushToRegistry(host, await prepareRealisticImage(host));
    // Pulled where the realistic image is not kept for other cases: its layers must leave with it.
    const puller = testEngine(opts.engine === 'host' ? 'docker28' : opts.engine);
    log(`pull: ${reference} into ${puller.title}, ${opts.analysisRuns} runs each…`);
    const pull = await benchPull(puller, reference, [REALISTIC], opts.analysisRuns);
    results.push(...pull.results);
    Object.assign(context, pull.context);
  }
  if (only.includes('registry')) {
    const host = new Docker({ socketPath: '/var/run/docker.sock' });
    const realistic = await prepareRealisticImage(host);
    // A rebuild with one layer more, under a tag of this run: it shares every layer but that one.
    const rebuilt = await prepareRebuilt(host, realistic, `strata-bench/realistic:${runTag('registry')}`, `${TEST_LABEL}=${process.pid}`);
    const a = await pushToRegistry(host, realistic);
    const b = await pushToRegistry(host, rebuilt);
    const pullInto = testEngine(opts.engine === 'host' ? 'docker28' : opts.engine);
    const registry = await benchRegistry(pullInto, a, b, opts.analysisRuns);
    results.push(...registry.results);
    Object.assign(context, registry.context);
  }
  if (only.includes('panel')) {
    // code-server's extension host finds the engine under test through DOCKER_HOST (set in main).
    const reference = await prepareRealisticImage(docker, opts.engine === 'host' ? undefined : new Docker({ socketPath: '/var/run/docker.sock' }));
    const panel = await benchPanel(raw, reference, opts.analysisRuns);
    results.push(...panel.results);
    Object.assign(context, panel.context);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const { runs, json } = opts;
  const target = testEngine(opts.engine);
  // Strata, the raw API and the CLI all on the engine's own local socket.
  const docker = fixtureClient(target);
  const engine = DockerEngine.fromUrl(`unix://${target.fixtureSocket}`, { name: target.name });
  const raw = new RawEngine(engine.endpoint as EngineEndpoint);
  process.env.DOCKER_HOST = `unix://${target.fixtureSocket}`;
  await engine.ping();
  await removeOrphanFixtureImages(docker);
  const results: CaseResult[] = [];
  const context: Record<string, unknown> = {};
  let failure: unknown;
  try {
    await runCases(engine, raw, docker, opts, results, context).catch((err: unknown) => (failure = err));
    const all = { ...context, ...(await versions(docker)) };
    if (json) {
      process.stdout.write(`${toJson(results, all)}\n`);
    } else {
      const listed = context.imagesListed === undefined ? '' : `, ${String(context.imagesListed)} images listed`;
      const logRuns = opts.only.includes('log-throughput') ? ` (log throughput: ${opts.logRuns})` : '';
      log(`engine ${all.engine} (API ${all.api}), Node ${all.node}${listed}, medians of ${runs} runs${logRuns}`);
      process.stdout.write(`${formatTable(results)}\n`);
      for (const [key, value] of Object.entries(context).filter(([k]) => /^(ssh|engineStart|firstExport|scale|storm|analyses|compare|pull|registry|panel)/.test(k))) {
        process.stdout.write(`${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}\n`);
      }
    }
    if (failure) {
      throw failure;
    }
  } finally {
    log('removing the bench images…');
    // A fresh client: the engine may have been restarted (first-export), its kept-alive sockets gone.
    const left = await removeBenchImages(fixtureClient(target));
    if (left > 0) {
      log(`${left} bench images could not be removed (label ${TEST_LABEL}=${process.pid})`);
    }
  }
}

main().catch((err: unknown) => {
  // The cases measured before this one are printed above.
  log(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
