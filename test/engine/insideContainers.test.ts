/**
 * Working inside containers through the Engine API, against a real engine: a shell over a
 * hijacked exec stream (with resize and the exit code), the archive API listing a stopped
 * container's folders and reading a file, downloads kept inside their folder, live
 * figures, and the sentences for a missing shell or path.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { extractTo, listChildren, readFile } from '../../src/engine/api/containerFiles';
import { statsFigures } from '../../src/model/containers/containers';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { until } from '../harness/until';
import { hostEngine } from '../harness/testEngines';

const LABELS = { [TEST_LABEL]: String(process.pid) };

/** Reads a TTY stream until `text` appears (or fails after a while). */
function readUntil(stream: NodeJS.ReadableStream, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`"${text}" never came; got: ${JSON.stringify(seen.slice(-300))}`)), timeoutMs);
    const onData = (c: Buffer) => {
      seen += c.toString('utf8');
      if (seen.includes(text)) {
        clearTimeout(timer);
        stream.removeListener('data', onData);
        resolve(seen);
      }
    };
    stream.on('data', onData);
  });
}

describe('inside containers, through the Engine API (real engine)', function () {
  this.timeout(60_000);
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('in');
  const image = `strata-test/inside:${tag}`;
  const bare = `strata-test/inside-noshell:${tag}`;

  before(async () => {
    await buildFixtureImage(docker, image, { steps: ['RUN mkdir -p /srv/app/data && echo "hello from the container" > /srv/app/hello.txt && head -c 3000 /dev/zero > /srv/app/data/blob'] });
    await buildFixtureImage(docker, bare, { dockerfile: 'FROM scratch\nCOPY busybox /busybox\nCMD ["/busybox", "sleep", "60"]' });
  });
  after(async () => {
    await removeFixtureImages(docker);
    engine.dispose();
  });

  it('a shell over a hijacked exec stream: typed input runs, resize reaches the TTY, the exit code comes back', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['sleep', '60'], Labels: LABELS });
    await c.start();
    try {
      const session = await engine.execShell(c.id, { cols: 80, rows: 24 });
      assert.strictEqual(session.shell, '/bin/sh', 'busybox has no bash: sh');
      await session.resize(123, 45);
      const out = readUntil(session.stream, 'strata-42');
      session.stream.write('stty size; echo strata-$((6*7))\n');
      const seen = await out;
      assert.match(seen, /45 123/, 'the resize reached the TTY');
      const ended = new Promise((r) => session.stream.on('end', r));
      session.stream.write('exit 3\n');
      await ended;
      assert.strictEqual(await session.exitCode(), 3);
    } finally {
      await c.remove({ force: true });
    }
  });

  it('ending a session hangs up its shell and what runs in it (closing the stream alone would not)', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['sleep', '60'], Labels: LABELS });
    await c.start();
    try {
      const session = await engine.execShell(c.id);
      const out = readUntil(session.stream, 'busy-7');
      session.stream.write('echo busy-$((3+4)); sleep 300\n');
      const seen = await out;
      assert.doesNotMatch(seen, /strata-pid/, 'the PID line is not shown');
      const top = async () => ((await c.top()) as { Processes: string[][] }).Processes.map((p) => p.join(' '));
      assert.ok((await top()).some((p) => /sleep 300/.test(p)), 'the sleep runs');
      await session.end();
      const left = async () => (await top()).filter((p) => /sleep 300|\/bin\/sh$/.test(p));
      await until('neither the shell nor its sleep to be left', async () => (await left()).length === 0, 10_000, 200).catch(async () => {
        assert.fail(`the shell or its sleep is left: ${(await left()).join(' | ')}`);
      });
    } finally {
      await c.remove({ force: true });
    }
  });

  it('a container without a shell: a sentence, no exec started', async () => {
    const c = await docker.createContainer({ Image: bare, Labels: LABELS });
    await c.start();
    try {
      const err = await engine.execShell(c.id).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err, 'refused');
      assert.match(engine.describeError(err).message, /^The container has no shell \(neither bash nor sh\)/);
    } finally {
      await c.remove({ force: true });
    }
  });

  it("a stopped container's folders listed (folders with the size below them), a file read", async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: LABELS });
    try {
      const app = await listChildren(await engine.containerArchive(c.id, '/srv/app'), '/srv/app');
      assert.deepStrictEqual(app.map((e) => [e.name, e.type, e.size, e.path]), [
        ['data', 'dir', 3000, '/srv/app/data'],
        ['hello.txt', 'file', 25, '/srv/app/hello.txt'],
      ]);
      const root = await listChildren(await engine.containerArchive(c.id, '/'), '/');
      assert.ok(root.some((e) => e.name === 'bin' && e.type === 'dir') && root.some((e) => e.name === 'srv'));
      const text = await readFile(await engine.containerArchive(c.id, '/srv/app/hello.txt'), 1_000_000);
      assert.strictEqual(text.toString('utf8'), 'hello from the container\n');
      await assert.rejects(readFile(await engine.containerArchive(c.id, '/srv/app/data/blob'), 100), /larger than 100 bytes/);
      assert.strictEqual((await engine.containerPathStat(c.id, '/srv/app/hello.txt'))?.size, 25);
    } finally {
      await c.remove({ force: true });
    }
  });

  it('a path that does not exist: stat says so; the archive call fails with the engine saying so', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: LABELS });
    try {
      assert.strictEqual(await engine.containerPathStat(c.id, '/no/such/path'), undefined);
      const err = await engine.containerArchive(c.id, '/no/such/path').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.strictEqual(engine.describeError(err).message, '/no/such/path does not exist in the container.');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('a folder downloaded lands inside the chosen folder, files and sizes intact', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: LABELS });
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-download-'));
    try {
      const counts = await extractTo(await engine.containerArchive(c.id, '/srv/app'), dest);
      assert.deepStrictEqual([counts.files, counts.bytes], [2, 3025]);
      assert.strictEqual(fs.readFileSync(path.join(dest, 'app', 'hello.txt'), 'utf8'), 'hello from the container\n');
      assert.strictEqual(fs.statSync(path.join(dest, 'app', 'data', 'blob')).size, 3000);
    } finally {
      fs.rmSync(dest, { recursive: true, force: true });
      await c.remove({ force: true });
    }
  });

  it('live figures: CPU and memory of a running container', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', 'while true; do :; done'], Labels: LABELS });
    await c.start();
    try {
      // Asked until the engine has a sample before the one it sends (the first has none to compare with).
      let f = statsFigures({});
      await until('a busy loop to use CPU', async () => (f = statsFigures(await engine.containerStats(c.id))).cpuPercent > 10, 15_000, 250).catch(() => {
        assert.fail(`a busy loop uses CPU: ${f.cpuPercent.toFixed(1)} %`);
      });
      assert.ok(f.memory > 0, 'it uses some memory');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('Run Interactive: attached before it starts, so its first words are seen; removed on exit when asked', async () => {
    const run = await engine.runInteractive(image, { autoRemove: true, command: ['sh'], labels: LABELS, size: { cols: 90, rows: 20 } });
    const greeting = readUntil(run.stream, '#');
    await greeting;
    run.stream.write('echo interactive-$((2+2)); exit 5\n');
    await readUntil(run.stream, 'interactive-4');
    // The exit code is still known when asked after the container has been removed (a
    // terminal asks once its stream ends, which can be after the engine removed it).
    await until('the container to be removed', async () => !(await engine.listContainers()).some((c) => c.id === run.id));
    assert.strictEqual(await run.wait(), 5);
  });
});
