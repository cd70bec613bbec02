/**
 * Case: the first export after an engine starts (once seen to send no byte for 20 s on
 * Engine 28 with the containerd store). The harness engine is restarted, then the export
 * is asked for at once, by curl and by Strata in turns (whoever goes first pays the cold
 * start), and once more warm: the time to the first byte of each, and how long the
 * engine took to answer after its start.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { REPO_ROOT } from '../../harness/codeServer';
import type { TestEngine } from '../../harness/testEngines';
import { type CaseResult, summarize } from '../stats';

const ENGINES = path.join(REPO_ROOT, 'test', 'harness', 'engines');

function restart(t: TestEngine): number {
  execFileSync('bash', [path.join(ENGINES, 'stop-engines.sh'), t.name], { stdio: 'ignore' });
  const start = performance.now();
  execFileSync('bash', [path.join(ENGINES, 'start-engines.sh'), t.name], { stdio: 'ignore' });
  return performance.now() - start;
}

function curlFirstByte(socket: string, reference: string): number {
  const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_starttransfer}', '--max-time', '120', '--unix-socket', socket, `http://engine/images/${encodeURIComponent(reference)}/get`], { encoding: 'utf8' });
  return Number(out) * 1000;
}

async function strataFirstByte(socket: string, reference: string): Promise<number> {
  const engine = DockerEngine.fromUrl(`unix://${socket}`);
  try {
    const start = performance.now();
    const stream = await engine.exportImage(reference);
    await new Promise<void>((resolve, reject) => {
      stream.once('data', () => resolve());
      stream.once('error', reject);
    });
    const ms = performance.now() - start;
    stream.destroy();
    return ms;
  } finally {
    engine.dispose();
  }
}

export async function benchFirstExport(t: TestEngine, reference: string, restarts: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const startMs: number[] = [];
  const cold = { strata: [] as number[], curl: [] as number[] };
  const warm = { strata: [] as number[], curl: [] as number[] };
  for (let i = 0; i < restarts; i++) {
    startMs.push(restart(t));
    // Turns: Strata first on even rounds, curl first on odd ones.
    if (i % 2 === 0) {
      cold.strata.push(await strataFirstByte(t.fixtureSocket, reference));
      warm.curl.push(curlFirstByte(t.fixtureSocket, reference));
    } else {
      cold.curl.push(curlFirstByte(t.fixtureSocket, reference));
      warm.strata.push(await strataFirstByte(t.fixtureSocket, reference));
    }
  }
  const results: CaseResult[] = [
    { name: `first export byte after ${t.name} starts (first asker)`, strata: summarize(cold.strata), cli: summarize(cold.curl), goal: 'reported', note: 'CLI column: curl --unix-socket GET /images/{name}/get; whoever asks first after the start.' },
    { name: 'first export byte, second asker', strata: summarize(warm.strata), cli: summarize(warm.curl), goal: 'reported', note: 'the other one, right after.' },
  ];
  return { results, context: { firstExportEngine: t.title, engineStartToAnswerMs: summarize(startMs) } };
}
