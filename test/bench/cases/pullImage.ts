/**
 * Pulling the realistic image (≥ 300 MB) from the harness's open registry: Strata's pull
 * (the engine's stream followed, per-layer progress gathered) beside `docker pull` of the
 * same reference and the bare POST /images/create read to its end, in the same run. Each
 * run starts with the image removed from the pulling engine, so every layer comes over
 * the wire. The pull goes to an engine that does not keep the realistic image for other
 * cases (Docker 28 when the bench measures the host's), as its layers must leave with it.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { TransferTracker } from '../../../src/engine/api/transfer';
import type { TestEngine } from '../../harness/testEngines';
import { timed } from '../measure';
import { RawEngine } from '../rawEngine';
import { type CaseResult, summarize } from '../stats';

const log = (line: string) => process.stderr.write(`${line}\n`);

function registryAddress(): string {
  const file = path.join(os.homedir(), '.cache', 'strata', 'registry', 'registries.json');
  const registries = JSON.parse(fs.readFileSync(file, 'utf8')) as { open: { address: string } };
  return registries.open.address;
}

/** Puts `source` (on `host`) into the open registry once; returns the name to pull. */
export async function pushToRegistry(host: Docker, source: string): Promise<string> {
  const target = `${registryAddress()}/${source}`;
  const manifest = await fetch(`http://${registryAddress()}/v2/${source.split(':')[0]}/manifests/${source.split(':')[1]}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  }).catch(() => undefined);
  if (manifest?.ok) {
    return target;
  }
  log(`pull: pushing ${source} to ${registryAddress()} (once)…`);
  execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', 'tag', source, target]);
  execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', 'push', '-q', target], { stdio: ['ignore', 'ignore', 'inherit'] });
  await host.getImage(target).remove({ noprune: true }).catch(() => undefined);
  return target;
}

/** The image and any other name for its layers gone from the pulling engine. */
async function removeAll(docker: Docker, references: string[]): Promise<void> {
  for (const r of references) {
    await docker
      .getImage(r)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

function cliPull(socket: string, reference: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['-H', `unix://${socket}`, 'pull', '-q', reference], { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker pull exited ${code}`))));
  });
}

export async function benchPull(target: TestEngine, reference: string, alsoRemove: string[], runs: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const docker = new Docker({ socketPath: target.fixtureSocket });
  const engine = DockerEngine.fromUrl(`unix://${target.fixtureSocket}`, { name: target.name });
  const raw = new RawEngine(engine.endpoint as never);
  const strata: number[] = [];
  const rawMs: number[] = [];
  const cli: number[] = [];
  let moved = 0;
  let events = 0;
  try {
    await removeAll(docker, [reference, ...alsoRemove]);
    for (let i = 0; i < runs; i++) {
      for (const k of [0, 1, 2].map((n) => (i + n) % 3)) {
        if (k === 0) {
          const tracker = new TransferTracker();
          strata.push(await timed(() => engine.pullImage(reference, { onEvent: (e) => (events++, tracker.handle(e)) })));
          moved = tracker.totals().moved;
          if (moved === 0) {
            // Another image on the engine holds the layers: nothing would be measured.
            throw new Error(`pulling ${reference} into ${target.name} downloaded nothing: another image there holds its layers (docker images on that engine shows which); remove it and run again`);
          }
        } else if (k === 1) {
          rawMs.push(
            await timed(async () => {
              const res = await raw.request('POST', `/images/create?fromImage=${encodeURIComponent(reference)}`);
              if (res.status !== 200 || res.body.includes('"error"')) {
                throw new Error(`the raw pull failed: ${res.body.toString().slice(-300)}`);
              }
            }),
          );
        } else {
          cli.push(await timed(() => cliPull(target.fixtureSocket, reference)));
        }
        await removeAll(docker, [reference]);
      }
    }
  } finally {
    engine.dispose();
  }
  const s = summarize(strata);
  const c = summarize(cli);
  const ratio = s.median / c.median;
  return {
    results: [
      {
        name: `pull ${(moved / 1e6).toFixed(0)} MB (downloaded) from a registry`,
        strata: s,
        raw: summarize(rawMs),
        cli: c,
        goal: '≤ 1.1× docker pull',
        met: ratio <= 1.1,
        note: `on ${target.title}; ratio ${ratio.toFixed(2)} to docker pull; ${Math.round(events / runs)} progress events per pull`,
      },
    ],
    context: { pullEngine: target.name, pullReference: reference, pullBytes: moved, pullRatio: Number(ratio.toFixed(3)) },
  };
}
