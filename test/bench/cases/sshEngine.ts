/**
 * Case: an engine over ssh (the harness's sshd in front of its second engine), beside
 * `docker -H ssh://…` on the same engine in the same run. The CLI starts ssh for every
 * command, so Strata is measured both ways: "cold" (a new engine: ssh connects, then the
 * work, as the CLI pays) and "warm" (the running extension: its kept-alive ssh connection).
 * "raw" is the same requests over the engine's local socket: the floor without ssh.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { type TestEngine, strataEngine } from '../../harness/testEngines';
import { interleave, timed } from '../measure';
import { RawEngine } from '../rawEngine';
import { type CaseResult, median, ratio, summarize } from '../stats';

export const SSH_GOAL = 1.3;

function sshDocker(t: TestEngine, args: string[]): Promise<string> {
  const env = { ...process.env, PATH: `${t.sshPathDir}${path.delimiter}${process.env.PATH ?? ''}` };
  return new Promise((resolve, reject) =>
    execFile('docker', ['-H', t.dockerHost, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`docker -H ${t.dockerHost} ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve(stdout),
    ),
  );
}

/** Runs `work` on a new engine (ssh connects first), and closes it. */
async function cold<T>(t: TestEngine, work: (engine: DockerEngine) => Promise<T>): Promise<number> {
  const engine = strataEngine(t);
  try {
    return await timed(() => work(engine));
  } finally {
    engine.dispose();
  }
}

export async function benchSsh(t: TestEngine, imageId: string, runs: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const warm = strataEngine(t);
  const raw = new RawEngine({ kind: 'socket', path: t.fixtureSocket, url: `unix://${t.fixtureSocket}` });
  try {
    const listed = (await warm.listImages()).length;
    const layerStack = (engine: DockerEngine) => new ImageIndex({ engine }).layerStack(imageId);
    const list = await interleave(runs, {
      cold: () => cold(t, (e) => e.listImages()),
      warm: () => timed(() => warm.listImages()),
      raw: () => timed(() => raw.listImages()),
      cli: () => timed(() => sshDocker(t, ['image', 'ls', '--format', 'json'])),
    });
    const stack = await interleave(runs, {
      cold: () => cold(t, layerStack),
      warm: () => timed(() => layerStack(warm)),
      raw: () => timed(() => raw.inspectAndHistory(imageId)),
      cli: () =>
        timed(() => Promise.all([sshDocker(t, ['image', 'inspect', imageId]), sshDocker(t, ['history', '--no-trunc', '--format', '{{json .}}', imageId])])),
    });
    const pings = await interleave(runs * 4, {
      ssh: () => timed(() => warm.ping()),
      socket: () => timed(() => raw.request('GET', '/_ping')),
    });
    const connect = await interleave(runs, { connect: () => cold(t, (e) => e.ping()) });

    const judged = (name: string, strata: number[], others: { raw: number[]; cli: number[] }, note: string): CaseResult => {
      const r: CaseResult = { name, strata: summarize(strata), raw: summarize(others.raw), cli: summarize(others.cli), goal: `Strata ≤ ${SSH_GOAL}× CLI`, note };
      r.met = (ratio(r.strata, r.cli as NonNullable<CaseResult['cli']>) ?? Infinity) <= SSH_GOAL;
      return r;
    };
    const results: CaseResult[] = [
      judged(`ssh: list ${listed} images, cold`, list.cold, list, 'a new engine each run: ssh connects, then GET /images/json; CLI: docker -H ssh://… image ls --format json; raw: the local socket.'),
      { ...judged(`ssh: list ${listed} images, warm`, list.warm, list, 'the kept-alive ssh connection of a running extension.'), goal: 'reported', met: undefined },
      judged('ssh: layer stack, cold', stack.cold, stack, 'a new engine: list + inspect of every image + history; CLI: docker -H ssh://… image inspect + history, in parallel.'),
      { ...judged('ssh: layer stack, warm', stack.warm, stack, 'the kept-alive connection, a fresh index (list + inspect all + history).'), goal: 'reported', met: undefined },
    ];
    const context = {
      sshEngine: t.title,
      sshPerRequestOverheadMs: Number((median(pings.ssh) - median(pings.socket)).toFixed(2)),
      sshPingMedianMs: Number(median(pings.ssh).toFixed(2)),
      socketPingMedianMs: Number(median(pings.socket).toFixed(2)),
      sshConnectAndPingMedianMs: Number(median(connect.connect).toFixed(1)),
    };
    return { results, context };
  } finally {
    warm.dispose();
  }
}
