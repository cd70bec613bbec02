/**
 * Faults, against real engines: dockerd killed and restarted in the middle of work, a
 * socket the user may not open, an engine answering 500 or nonsense, a container removed
 * while its logs are followed, a log driver that keeps nothing, an archive cut short or
 * rewritten while read. In each: one sentence, nothing hangs, nothing is lost, and the
 * same call works again once the engine is back. The engine killed is the harness's
 * second one (never the host's).
 */
import * as assert from 'assert';
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';
import * as esbuild from 'esbuild';
import { ArchiveError, readImageArchive } from '../../src/analysis/archiveReader';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import { type LogSink, followContainerLogs } from '../../src/engine/streams/followLogs';
import { ImageIndex } from '../../src/engine/imageIndex';
import { REPO_ROOT } from '../harness/codeServer';
import { FaultProxy } from '../harness/proxies/faultProxy';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, testEngine } from '../harness/testEngines';
import { until } from '../harness/until';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unusedDockerodeParts, nodeExternals } = require(path.join(REPO_ROOT, 'esbuild.js')) as { unusedDockerodeParts: esbuild.Plugin; nodeExternals: string[] };

const LABELS = { [TEST_LABEL]: String(process.pid) };
const RUN = { ports: [], env: [], mounts: [], removeWhenStopped: false, labels: LABELS };
const ENGINES = path.join(REPO_ROOT, 'test', 'harness', 'engines');

/** kill -9 the second dockerd (as a crash does); `back()` starts it again (the event loop runs meanwhile). */
function killSecond(): { back(): Promise<void> } {
  const pid = Number(fs.readFileSync('/run/strata-engines/second.pid', 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  // Wait until it is gone, so that calls meanwhile really find no engine.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    spawnSync('sleep', ['0.05']);
  }
  return {
    back: () =>
      new Promise<void>((resolve, reject) =>
        execFile('bash', [path.join(ENGINES, 'start-engines.sh'), 'second'], (err) => (err ? reject(err) : resolve())),
      ),
  };
}

/** `source`, passed on slowly (so that it is still being read when the fault comes); its error passed on too. */
function slowly(source: NodeJS.ReadableStream, msPerChunk: number): Transform {
  const t = new Transform({
    transform(chunk, _enc, done) {
      setTimeout(() => done(null, chunk), msPerChunk);
    },
  });
  source.on('error', (err) => t.destroy(err));
  return source.pipe(t);
}

async function sentence(engine: DockerEngine, work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    return engine.describeError(err).message;
  }
  throw new Error('the call succeeded during the fault');
}

describe('faults, against real engines', function () {
  this.timeout(180_000);
  const second = testEngine('second-tls');
  const docker = fixtureClient(second);
  const engine = DockerEngine.fromUrl(`unix://${second.fixtureSocket}`, { name: 'second' });
  const tag = runTag('fault');
  const big = `strata-test/fault-big:${tag}`;
  const small = `strata-test/fault-small:${tag}`;

  before(async () => {
    await buildFixtureImage(docker, big, { steps: ['RUN head -c 40000000 /dev/urandom > /big.bin'] });
    await buildFixtureImage(docker, small, { steps: ['RUN echo small > /small.txt'] });
  });
  after(async () => {
    engine.dispose();
    await removeFixtureImages(docker).catch(() => undefined);
  });

  it('dockerd killed in the middle of an analysis: a sentence, and the analysis works again after the restart', async () => {
    const stream = await engine.exportImage(big);
    let outage: { back(): Promise<void> } | undefined;
    const reading = readImageArchive(slowly(stream, 3), {
      onProgress: (bytes) => {
        if (!outage && bytes > 1_000_000) {
          outage = killSecond();
        }
      },
    });
    const err = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ArchiveError, `an ArchiveError, not ${String(err)}`);
    assert.match(err.message, /truncated|could not be read/);
    assert.ok(outage, 'the engine was killed mid-read');
    await outage.back();
    const again = await readImageArchive(await engine.exportImage(big));
    assert.ok(again.layers.some((l) => l.entries.some((e) => e.path === 'big.bin' && e.size === 40_000_000)));
  });

  it('dockerd killed while following logs, expanding a stack and running: each says so, nothing hangs, all works after the restart', async () => {
    const { id } = await engine.runContainer({ image: small, command: ['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); usleep 100000; done'], ...RUN });
    const lines: string[] = [];
    const notices: string[] = [];
    const sink: LogSink = { line: (l) => lines.push(l.text), notice: (n) => notices.push(n) };
    const follower = followContainerLogs(engine, id, sink, { backoff: { initialMs: 100, maxMs: 500 } });
    await until('five lines followed before the engine is killed', () => lines.length >= 5, 20_000);
    const outage = killSecond();
    const index = new ImageIndex({ engine });
    const stackSentence = await sentence(engine, index.layerStack(small));
    const runSentence = await sentence(engine, engine.runContainer({ image: small, command: ['true'], ...RUN }));
    for (const s of [stackSentence, runSentence]) {
      assert.match(s, /^Docker is not running: \/run\/strata-engines\/second\.sock (does not exist|exists but no engine answers)/);
    }
    // Time passes for the follower as for a user: it notices, then the engine comes back.
    try {
      await until('the follower to notice the engine is gone', () => notices.length > 0, 10_000);
    } finally {
      await outage.back(); // the engines are shared: never left down
    }
    await follower.done;
    // Without live-restore the restarted engine stops what ran: the follower says each step.
    assert.deepStrictEqual(notices.slice(0, 2), [
      '— lost the connection to the Docker Engine; following again when it is back —',
      '— connected again; resuming —',
    ]);
    assert.match(notices[2] ?? '', /^— exited with code \d+ —$/);
    assert.deepStrictEqual(lines, lines.map((_, i) => `tick ${i}`), 'every line once, in order');
    assert.ok((await index.layerStack(small)).exact, 'the stack expands again');
    const after = await engine.runContainer({ image: small, command: ['true'], ...RUN });
    await engine.removeContainer(after.id, true);
    await engine.removeContainer(id, true);
  });

  it('a socket the user may not open: "Permission denied", with the way to get access', async function () {
    const probe = `
      import { DockerEngine } from './src/engine/api/dockerEngine';
      const e = DockerEngine.fromUrl('unix:///var/run/docker.sock');
      e.ping().then(() => console.log('ANSWERED'), (err) => console.log(e.describeError(err).kind + '|' + e.describeError(err).message));`;
    // Bundled into a folder anyone may read: the checkout may be in one the other user cannot enter (mktemp's are 0700).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-probe-'));
    fs.chmodSync(dir, 0o755);
    const bundle = path.join(dir, 'probe.js');
    await esbuild.build({
      stdin: { contents: probe, resolveDir: REPO_ROOT, loader: 'ts' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: bundle,
      external: nodeExternals,
      plugins: [unusedDockerodeParts],
      logLevel: 'silent',
    });
    fs.chmodSync(bundle, 0o644);
    // Root opens any socket: the client runs as an unprivileged user, as most users are.
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'node', bundle], { encoding: 'utf8', cwd: os.tmpdir() });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(r.status, 0, r.stderr);
    const [kind, message] = r.stdout.trim().split('|');
    assert.strictEqual(kind, 'permissionDenied');
    assert.strictEqual(message, 'Permission denied on /var/run/docker.sock: add your user to the docker group (sudo usermod -aG docker $USER), then sign out and back in.');
  });

  describe('through a proxy that makes the engine misbehave', () => {
    const proxy = new FaultProxy(`/tmp/strata-fault-${process.pid}.sock`, second.fixtureSocket);
    const viaProxy = DockerEngine.fromUrl(`unix://${proxy.path}`, { name: 'faulty' });
    before(() => proxy.start());
    after(async () => {
      viaProxy.dispose();
      await proxy.stop();
    });
    afterEach(() => proxy.rules.splice(0));

    it('the engine answering 500: its own words in a sentence; the next call, answered, works', async () => {
      proxy.rules.push({ path: /^\/images\/json/, status: 500, body: '{"message":"layer store is corrupt"}' });
      assert.strictEqual(await sentence(viaProxy, viaProxy.listImages()), 'The Docker Engine at /tmp/strata-fault-' + process.pid + '.sock answered: layer store is corrupt');
      proxy.rules.splice(0);
      assert.ok((await viaProxy.listImages()).some((i) => i.repoTags.includes(small)));
    });

    it('an answer that is not what an engine sends: a sentence, never a TypeError', async () => {
      proxy.rules.push({ path: /^\/images\/json/, status: 200, body: '{"not":"a list"}' });
      assert.match(await sentence(viaProxy, viaProxy.listImages()), /sent an answer Strata cannot read: The image list is not a list\./);
      proxy.rules.splice(0);
      proxy.rules.push({ path: /^\/images\/json/, status: 200, body: '[{"Id":"sha256:x","Created":"yesterday","Size":1}]' });
      assert.match(await sentence(viaProxy, viaProxy.listImages()), /Image 1 of the list has a Created that is not a number/);
    });

    it('a log driver that keeps nothing: one sentence, following stops, no busy loop', async () => {
      const c = await docker.createContainer({ Image: small, Cmd: ['sh', '-c', 'echo unseen; sleep 30'], HostConfig: { LogConfig: { Type: 'none', Config: {} } }, Labels: LABELS });
      await c.start();
      try {
        const notices: string[] = [];
        const follower = followContainerLogs(viaProxy, c.id, { line: () => undefined, notice: (n) => notices.push(n) }, { backoff: { initialMs: 50, maxMs: 200 } });
        const timeout = new Promise((r) => setTimeout(r, 3000, 'still following'));
        assert.notStrictEqual(await Promise.race([follower.done, timeout]), 'still following', 'following stopped by itself');
        assert.deepStrictEqual(notices, [
          '— the engine cannot read this container\'s logs: its log driver "none" keeps none for reading (run it with the json-file or local driver to see its output here) —',
        ]);
        await new Promise((r) => setTimeout(r, 1000));
        assert.ok(proxy.count(new RegExp(`/containers/${c.id}/(json|logs)`)) <= 3, `${proxy.count(new RegExp(c.id))} requests, not a loop`);
      } finally {
        await c.remove({ force: true });
      }
    });
  });

  it('a container removed while its logs are followed: said so, and following ends', async () => {
    const { id } = await engine.runContainer({ image: small, command: ['sh', '-c', 'while true; do echo alive; sleep 0.2; done'], ...RUN });
    const notices: string[] = [];
    const lines: string[] = [];
    const follower = followContainerLogs(engine, id, { line: (l) => lines.push(l.text), notice: (n) => notices.push(n) }, { backoff: { initialMs: 50, maxMs: 200 } });
    await until('two lines followed', () => lines.length >= 2);
    await engine.removeContainer(id, true);
    await follower.done;
    assert.ok(lines.every((l) => l === 'alive'), lines.join(', '));
    assert.strictEqual(notices.length, 1);
    assert.match(notices[0], /^— (the container stopped and was removed|the container was removed|exited with code \d+) —$/);
  });

  it('an archive cut short, or rewritten while it is read: a sentence naming the problem', async () => {
    const file = path.join(os.tmpdir(), `strata-fault-${process.pid}.tar`);
    try {
      await pipeline(await engine.exportImage(big), fs.createWriteStream(file));
      const size = fs.statSync(file).size;
      fs.truncateSync(file, Math.floor(size / 2));
      await assert.rejects(readImageArchive(fs.createReadStream(file)), (e: unknown) => e instanceof ArchiveError && /truncated/.test(e.message));
      await pipeline(await engine.exportImage(big), fs.createWriteStream(file));
      let rewritten = false;
      const reading = readImageArchive(slowly(fs.createReadStream(file, { highWaterMark: 64 * 1024 }), 2), {
        onProgress: (bytes) => {
          if (!rewritten && bytes > 2_000_000) {
            rewritten = true;
            fs.writeFileSync(file, 'not an image any more');
          }
        },
      });
      await assert.rejects(reading, (e: unknown) => e instanceof ArchiveError && /truncated|could not be read|not a tar/.test(e.message));
      assert.ok(rewritten);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
