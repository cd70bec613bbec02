/**
 * What the engines people run today do differently, on the harness's Docker 28 with the
 * containerd image store (and beside it, 28 with overlay2 and the host's 20.10):
 * multi-platform images with attestations, exports as nested OCI indexes with gzip
 * layers, the list's sizes, features asked for by API version, BuildKit builds' events.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as tar from 'tar-stream';
import { readImageArchive } from '../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../src/analysis/imageAnalysis';
import { type EngineEvent, EngineEvents } from '../../src/engine/streams/engineEvents';
import { imageAttestations, imagePlatforms, imageSizes } from '../../src/model/imageSizes';
import { TEST_LABEL, buildWithBuildKit, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, strataEngine, testEngine } from '../harness/testEngines';
import { until } from '../harness/until';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, out, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim().split('\n').slice(-3).join(' ')}`)) : resolve(out),
    ),
  );
}

/** The entries of a tar file: names, and the first bytes of each. */
async function tarEntries(file: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => {
      if (chunks.reduce((n, b) => n + b.length, 0) < 65536) {
        chunks.push(c as Buffer);
      }
    });
    body.on('end', () => {
      entries.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await pipeline(fs.createReadStream(file), extract);
  return entries;
}

describe('Docker 28 with the containerd image store: multi-platform images, attestations, sizes', function () {
  this.timeout(180_000);
  const t = testEngine('docker28-containerd');
  const docker = fixtureClient(t);
  const engine = strataEngine(t);
  const reference = `strata-test/multi:${runTag('mp')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-mp-'));
  const cli = (...args: string[]) => run('docker', ['-H', `unix://${t.fixtureSocket}`, ...args], { DOCKER_CONFIG: t.dockerConfig ?? '' });

  before(async () => {
    // COPY only: both platforms build without emulating arm64; BuildKit adds provenance.
    fs.copyFileSync('/bin/busybox', path.join(dir, 'busybox'));
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM scratch\nCOPY busybox /bin/busybox\nCOPY hello.txt /hello.txt\nLABEL ${TEST_LABEL}="${process.pid}"\n`);
    await cli('buildx', 'build', '--platform', 'linux/amd64,linux/arm64', '--provenance=mode=min', '--load', '-t', reference, dir);
  });
  after(async () => {
    await removeFixtureImages(docker);
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for manifests and shared sizes by API version: present here, absent on Engine 20.10', async () => {
    const can = await engine.capabilities();
    assert.deepStrictEqual([can.manifests, can.sharedSize, can.exportPlatform, can.platform], [true, true, true, 'linux/amd64']);
    const old = strataEngine(testEngine('host'));
    try {
      const oldCan = await old.capabilities();
      assert.deepStrictEqual([oldCan.manifests, oldCan.sharedSize], [false, false]);
      assert.ok((await old.listImages({ sharedSize: true })).every((i) => i.manifests === undefined && i.sharedSize === undefined));
    } finally {
      old.dispose();
    }
  });

  it('lists both platforms and the attestations; sizes are the amd64 one, named, and agree with the engine', async () => {
    const image = (await engine.listImages({ sharedSize: true })).find((i) => i.repoTags.includes(`docker.io/${reference}`) || i.repoTags.includes(reference));
    assert.ok((await engine.listImages()).every((i) => i.sharedSize === undefined), 'a plain list does not make the engine work out shared sizes');
    assert.ok(image, `${reference} listed`);
    assert.deepStrictEqual(imagePlatforms(image), [
      { platform: 'linux/amd64', available: true },
      { platform: 'linux/arm64', available: true },
    ]);
    assert.strictEqual(imageAttestations(image).length, 2);
    const sizes = imageSizes(image, 'linux/amd64');
    const amd = image.manifests?.find((m) => m.platform === 'linux/amd64');
    assert.strictEqual(sizes.platform, 'linux/amd64');
    assert.strictEqual(sizes.unpacked, amd?.unpackedSize);
    assert.strictEqual(sizes.content, amd?.contentSize);
    // The list's own Size is content + unpacked of every platform: what "docker images" shows.
    assert.ok(image.size > sizes.unpacked + (sizes.content ?? 0), `${image.size} counts both platforms`);
    // inspect's Size is compressed content (with the index and attestations), not the
    // unpacked figure: why the panel no longer shows it as "the" size.
    const inspected = (await engine.inspectImage(image.id)).Size;
    assert.ok(inspected >= (sizes.content ?? 0) && inspected < sizes.unpacked, `inspect Size ${inspected}`);
  });

  it("Strata's export is docker save's: a nested index, attestation manifests, gzip layers; the analysis reads the engine's platform", async () => {
    const saved = path.join(dir, 'saved.tar');
    await cli('save', '-o', saved, reference);
    const entries = await tarEntries(saved);
    const index = JSON.parse(String(entries.get('index.json'))) as { manifests: Array<{ mediaType: string; digest: string }> };
    assert.strictEqual(index.manifests[0].mediaType, 'application/vnd.oci.image.index.v1+json', 'index.json points at a nested index');
    const nested = JSON.parse(String(entries.get(`blobs/sha256/${index.manifests[0].digest.slice(7)}`))) as { manifests: Array<{ annotations?: Record<string, string> }> };
    assert.strictEqual(nested.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest').length, 2);
    const fromSave = new ImageAnalysis(await readImageArchive(fs.createReadStream(saved), { preferPlatform: 'linux/amd64' }));
    const fromStrata = new ImageAnalysis(await readImageArchive(await engine.exportImage(reference), { preferPlatform: 'linux/amd64' }));
    assert.deepStrictEqual(fromStrata.layers.map((l) => [l.diffId, l.size]), fromSave.layers.map((l) => [l.diffId, l.size]));
    assert.strictEqual(fromStrata.platform, 'linux/amd64');
    assert.deepStrictEqual(fromStrata.attestations, ['provenance', 'provenance']);
    assert.deepStrictEqual(fromStrata.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64']);
    const layerBlob = entries.get(fromSave.layers[0].source);
    assert.ok(layerBlob && layerBlob[0] === 0x1f && layerBlob[1] === 0x8b, 'layers are gzip');
    assert.ok(fromStrata.changesOf(fromStrata.layers.length - 1).some((c) => c.path === 'hello.txt'));
  });

  it('exports one platform alone when asked (API 1.48+): only its layers come', async () => {
    const arm = await readImageArchive(await engine.exportImage(reference, 'linux/arm64'));
    assert.strictEqual(arm.platform, 'linux/arm64');
    assert.ok(arm.platforms.every((p) => p.platform === 'linux/arm64' || !p.present), JSON.stringify(arm.platforms));
  });

  it('a BuildKit build is seen in the event stream (a tag, whether or not a create comes)', async () => {
    const events: EngineEvent[] = [];
    let connected = false;
    const stream = new EngineEvents(engine, { onEvent: (e) => events.push(e), onConnected: () => (connected = true) }, { initialMs: 50, maxMs: 400 });
    stream.start();
    try {
      await until('the event stream to open', () => connected, 10_000, 25);
      const built = `strata-test/evented:${runTag('ev')}`;
      await buildWithBuildKit({ socket: t.fixtureSocket, dockerConfig: t.dockerConfig }, docker, built, { steps: ['RUN echo evented > /e'] });
      await until('a tag or create event', () => events.some((e) => e.type === 'image' && ['tag', 'create'].includes(e.action)), 10_000, 25).catch(() => {
        assert.fail(`no tag or create event; image events seen: ${events.map((e) => e.action).join(', ')}`);
      });
    } finally {
      stream.stop();
    }
  });
});
