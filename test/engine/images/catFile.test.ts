/**
 * `strata cat IMAGE PATH [--layer N]` (dist/cli.js, as built) against real images: the
 * image's version of a file is what `docker run … cat` prints; an earlier layer's version,
 * a removed file (named, then printed with --layer), binary bytes, a path with spaces and
 * unicode; and the sentences for a layer out of range, a path not in the image, a folder.
 * From the host's engine (Docker layout), Engine 28's containerd store (OCI layout, gzip
 * blobs), an archive of the image (docker save), and the open registry.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { pushFixtureImage } from '../../harness/fixtures/registryFixtures';
import { fixtureClient, testEngines } from '../../harness/testEngines';

const CLI = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
const temp = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `strata-${what}-`));

const BINARY = crypto.randomBytes(70_000);
const UNICODE = '/app/dir with space/naïve ü.txt';
const STEPS = [
  'RUN mkdir /app && echo one > /app/conf.txt',
  'RUN echo two > /app/conf.txt',
  'COPY bin.dat /app/bin.dat',
  `RUN mkdir -p "/app/dir with space" && echo héllo > "${UNICODE}"`,
  'RUN echo gone > /app/gone.txt',
  'RUN rm /app/gone.txt',
];

function strata(args: string[], env: NodeJS.ProcessEnv): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('node', [CLI, ...args], { env: { ...process.env, ...env }, timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

for (const t of testEngines().filter((e) => ['host', 'docker28-containerd'].includes(e.name))) {
  describe(`strata cat on ${t.title}`, function () {
    this.timeout(300_000);
    const docker = fixtureClient(t);
    const image = `strata-test/cat-${t.name}:${runTag('cat')}`;
    const env = { XDG_CACHE_HOME: temp('xdg') };
    const cat = (...args: string[]) => strata(['cat', image, ...args, '--host', t.dockerHost], env);
    /** Layers of the image: the last six are the steps above, in order. */
    let count = 0;
    const docker_ = (...args: string[]) => spawnSync('docker', ['-H', t.dockerHost, ...args], { maxBuffer: 64 * 1024 * 1024 });

    before(async () => {
      assert.ok(fs.existsSync(CLI), `${CLI} is built`);
      await buildFixtureImage(docker, image, { unique: true, steps: STEPS, files: { 'bin.dat': BINARY } });
      count = ((await docker.getImage(image).inspect()).RootFS.Layers ?? []).length;
    });
    after(async () => {
      await removeFixtureImages(docker);
    });

    it("prints the image's version, as `docker run … cat` does, and an earlier layer's with --layer", () => {
      const now = cat('/app/conf.txt');
      assert.strictEqual(now.status, 0, now.stderr);
      const oracle = docker_('run', '--rm', image, 'cat', '/app/conf.txt');
      assert.strictEqual(oracle.status, 0, oracle.stderr.toString());
      assert.strictEqual(now.stdout.toString(), oracle.stdout.toString());
      assert.strictEqual(now.stdout.toString(), 'two\n');
      const first = cat('app/conf.txt', '--layer', String(count - 5));
      assert.strictEqual(first.status, 0, first.stderr);
      assert.strictEqual(first.stdout.toString(), 'one\n');
    });

    it('a binary file, byte for byte; a path with spaces and unicode', () => {
      const bin = cat('/app/bin.dat');
      assert.strictEqual(bin.status, 0, bin.stderr);
      assert.ok(bin.stdout.equals(BINARY), `${bin.stdout.length} bytes, the same as copied in`);
      const odd = cat(UNICODE);
      assert.strictEqual(odd.status, 0, odd.stderr);
      assert.strictEqual(odd.stdout.toString(), docker_('run', '--rm', image, 'cat', UNICODE).stdout.toString());
      assert.strictEqual(odd.stdout.toString(), 'héllo\n');
    });

    it('a removed file: exit 2 and the layers that added and removed it; --layer that layer prints it', () => {
      const gone = cat('/app/gone.txt');
      assert.strictEqual(gone.status, 2);
      assert.strictEqual(gone.stdout.length, 0);
      assert.strictEqual(gone.stderr.trim(), `strata: /app/gone.txt is no longer in ${image}: layer ${count - 1} added it and layer ${count} removed it; --layer ${count - 1} prints it`);
      const back = cat('/app/gone.txt', '--layer', String(count - 1));
      assert.strictEqual(back.status, 0, back.stderr);
      assert.strictEqual(back.stdout.toString(), 'gone\n');
    });

    it('a layer out of range, a path not in the image, a folder: one sentence, exit 2', () => {
      const range = cat('/app/conf.txt', '--layer', String(count + 1));
      assert.deepStrictEqual([range.status, range.stderr.trim()], [2, `strata: ${image} has no layer ${count + 1}: it has ${count}, numbered 1 to ${count}`]);
      const missing = cat('/app/nope.txt');
      assert.deepStrictEqual([missing.status, missing.stderr.trim()], [2, `strata: /app/nope.txt is not in ${image}`]);
      const folder = cat('/app');
      assert.deepStrictEqual([folder.status, folder.stderr.trim()], [2, 'strata: /app is a folder, not a file']);
      const early = cat('/app/conf.txt', '--layer', '1');
      assert.deepStrictEqual([early.status, early.stderr.trim()], [2, `strata: /app/conf.txt is not in ${image} up to layer 1`]);
    });

    if (t.name === 'host') {
      it("an archive of the image (docker save) gives the same files", () => {
        const file = path.join(temp('save'), 'image.tar');
        const saved = docker_('save', '-o', file, image);
        assert.strictEqual(saved.status, 0, saved.stderr.toString());
        const now = strata(['cat', file, '/app/conf.txt'], env);
        assert.deepStrictEqual([now.status, now.stdout.toString()], [0, 'two\n'], now.stderr);
        const bin = strata(['cat', file, '/app/bin.dat'], env);
        assert.ok(bin.stdout.equals(BINARY), bin.stderr);
      });
    }
  });
}

describe('strata cat on a registry (no engine)', function () {
  this.timeout(300_000);
  let url = '';
  before(async () => {
    const pushed = await pushFixtureImage('open', 'strata-test/cat', runTag('cat'), { steps: STEPS, files: { 'bin.dat': BINARY } });
    url = pushed.url;
  });
  after(async () => {
    await removeFixtureImages(fixtureClient(testEngines().find((e) => e.name === 'host') ?? testEngines()[0]));
  });

  it('reads the layer blobs it needs from the registry: the current version, an old one, a removed file', () => {
    const env = { XDG_CACHE_HOME: temp('xdg'), DOCKER_HOST: 'tcp://127.0.0.1:1' };
    const now = strata(['cat', url, '/app/conf.txt'], env);
    assert.deepStrictEqual([now.status, now.stdout.toString()], [0, 'two\n'], now.stderr);
    const bin = strata(['cat', url, '/app/bin.dat'], env);
    assert.ok(bin.stdout.equals(BINARY), bin.stderr);
    const gone = strata(['cat', url, '/app/gone.txt'], env);
    assert.strictEqual(gone.status, 2);
    const layer = /--layer (\d+) prints it/.exec(gone.stderr)?.[1];
    assert.ok(layer, gone.stderr);
    const back = strata(['cat', url, '/app/gone.txt', '--layer', layer], env);
    assert.deepStrictEqual([back.status, back.stdout.toString()], [0, 'gone\n'], back.stderr);
  });
});
