/**
 * Images read straight from registries, with no engine: the real registries of the harness
 * (open, htpasswd, and token auth over TLS as Docker Hub and GHCR serve), a multi-platform
 * index with attestations pushed by Docker 28's BuildKit, and a proxy that makes faults
 * (a registry gone mid-blob, refusals, rate limits). The oracles: the same images analysed
 * from the engine's export (dive's figures), skopeo's copy of the same image (OCI layout).
 */
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import type { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { parseReference } from '../../../src/model/reference';
import { EngineSource } from '../../../src/sources/engineSource';
import { CACHE_FORMAT, LayerCache } from '../../../src/sources/layerCache';
import { analyzeSource } from '../../../src/sources/openSource';
import { RegistryClient, type RegistryClientOptions } from '../../../src/sources/registry/registryClient';
import { RegistryError } from '../../../src/sources/registry/registryError';
import { RegistrySource } from '../../../src/sources/registrySource';
import { DEBIAN_TEST_IMAGE, debianImage, finished } from '../../harness/fixtures/debianImage';
import { fixturePath } from '../../harness/fixtures/sharedFixtures';
import { removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import {
  type PushedImage,
  corruptBlob,
  pushFixtureImage,
  pushMultiPlatformIndex,
  registryCa,
  registryCredentials,
  registryUrl,
  startRegistryProxy,
} from '../../harness/fixtures/registryFixtures';
import type { RegistryProxy } from '../../harness/proxies/registryProxy';
import { SocketProxy } from '../../harness/proxies/socketProxy';
import { testRegistries } from '../../harness/testEngines';

const CLI = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
const temp = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `strata-${what}-`));

/** The CLI as a user runs it, with a folder of its own for kept analyses and a docker config of its own. */
function strata(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function strataAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A docker CLI config folder holding credentials for `registry`, as `docker login` writes them. */
function dockerConfigWith(address: string, username: string, password: string): string {
  const dir = temp('docker-config');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [address]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
  return dir;
}

/** Dive's figures and each layer's, to compare two analyses of the same image. */
function figures(a: ImageAnalysis): unknown {
  const { wastedPaths, ...m } = a.metrics;
  return { ...m, wasted: wastedPaths.map((w) => [w.path, w.count, w.cumulativeSize]), layers: a.layers.map((l) => [l.diffId, l.size, l.entryCount, l.counts]) };
}

function registrySource(reference: string, options: RegistryClientOptions = {}): RegistrySource {
  const parsed = parseReference(reference.replace(/^registry:\/\//, ''));
  assert.ok(parsed.ok, reference);
  return new RegistrySource(new RegistryClient(parsed.reference.registry, options), parsed.reference);
}

/** An analysis straight from the registry, kept in `cacheDir` (a fresh folder by default) before it resolves. */
async function remote(reference: string, options: RegistryClientOptions & { cacheDir?: string; platform?: string } = {}): Promise<ImageAnalysis> {
  const cache = new AnalysisCache(() => 1024 ** 3, new LayerCache(options.cacheDir ?? temp('cache')));
  const analysis = await analyzeSource(cache, registrySource(reference, options), { platform: options.platform, preferPlatform: options.platform ? undefined : 'linux/amd64' });
  await cache.flush();
  return analysis;
}

async function rejection(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('it did not fail');
}

describe('images read straight from registries, no engine (real registries)', function () {
  this.timeout(300_000);
  const host = new Docker();
  const engine = DockerEngine.fromUrl('unix:///var/run/docker.sock', { name: 'host' });
  const tag = runTag('src');
  const registries = testRegistries();
  let small: PushedImage;
  /** Where a local image is pushed to in the open registry, for this run. */
  const pushedName = (local: string) => `${registries.open.address}/strata-test/${local.replace(/[:/]/g, '-')}:${tag}`;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is built`);
    // Kept on the engine too: the figures test analyses it from both.
    small = await pushFixtureImage('open', 'strata-test/source', tag, { keepLocal: true, steps: ['RUN mkdir -p /app && head -c 30000 /dev/urandom > /app/big && rm /app/big', 'ENV MODE=test'] });
  });
  after(async () => {
    engine.dispose();
    await removeFixtureImages(host);
  });

  describe("the figures are the engine's (dive's numbers) for the same image", () => {
    const pairs: Array<[string, () => Promise<string>]> = [
      [
        "dive's test image (14 layers)",
        async () => {
          await finished(host, (await host.loadImage(fs.createReadStream(fixturePath('dive', 'test-docker-image.tar')) as unknown as NodeJS.ReadableStream)) as NodeJS.ReadableStream);
          return 'dive-test:latest';
        },
      ],
      ['a busybox image with a file added and removed', async () => small.reference],
      ['a real Debian (bookworm, about 300 MB and 6,000 files)', async () => debianImage(host).then(() => DEBIAN_TEST_IMAGE)],
    ];
    for (const [what, prepare] of pairs) {
      it(what, async () => {
        const local = await prepare();
        // The image as the registry has it: pushed there through the engine.
        const pushedAs = local.startsWith(registries.open.address) ? local : pushedName(local);
        if (pushedAs !== local) {
          await host.getImage(local).tag({ repo: pushedAs.slice(0, pushedAs.lastIndexOf(':')), tag });
          await finished(host, (await host.getImage(pushedAs).push({ authconfig: {} })) as unknown as NodeJS.ReadableStream);
          await host.getImage(pushedAs).remove({ noprune: true });
        }
        const fromEngine = await new AnalysisCache().analyzeWith(local, async (known, options) => {
          const read = await new EngineSource(engine, local).read({ ...options, knownLayer: known });
          return { archive: read.archive };
        });
        const fromRegistry = await remote(`registry://${pushedAs}`);
        assert.deepStrictEqual(figures(fromRegistry), figures(fromEngine));
        assert.ok((fromRegistry.cost?.blobsRead ?? 0) > 0, 'read from the registry');
      });
    }
  });

  it('needs no engine: strata analyze registry://… with DOCKER_HOST pointing nowhere', () => {
    const r = strata(['analyze', small.url, '--json'], { DOCKER_HOST: 'tcp://127.0.0.1:1', XDG_CACHE_HOME: temp('xdg') });
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { source: { origin: string }; layers: unknown[] };
    assert.strictEqual(out.source.origin, `from ${registries.open.address}`);
    assert.strictEqual(out.layers.length, small.manifest.layers.length);
  });

  it('a second analysis of the same digest asks for the manifest only, no blob', async () => {
    const proxy = await startRegistryProxy('open');
    try {
      const cacheDir = temp('cache');
      const reference = `registry://${proxy.address}/strata-test/source:${tag}`;
      await remote(reference, { cacheDir });
      const blobsBefore = proxy.blobGets().length;
      assert.ok(blobsBefore >= small.manifest.layers.length, 'the first analysis fetched the layers');
      const requestsBefore = proxy.requests.length;
      const again = await remote(reference, { cacheDir });
      assert.strictEqual(again.cost?.fromKept, true);
      assert.strictEqual(proxy.blobGets().length, blobsBefore, 'no blob the second time');
      assert.deepStrictEqual(
        proxy.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`),
        [`GET /v2/strata-test/source/manifests/${tag}`],
      );
    } finally {
      await proxy.stop();
    }
  });

  it('compares two tags that share a base reading only the layers that differ (strata diff)', async () => {
    // Built on the first: every layer of it, and two of its own.
    const other = await pushFixtureImage('open', 'strata-test/source', `${tag}-b`, { dockerfile: `FROM ${small.reference}\nRUN echo b > /b.txt` });
    const proxy = await startRegistryProxy('open');
    try {
      const r = await strataAsync(['diff', `registry://${proxy.address}/strata-test/source:${tag}`, `registry://${proxy.address}/strata-test/source:${tag}-b`, '--json'], { XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { read: Array<{ bytesRead: number; blobsRead: number }> };
      const onlyB = other.manifest.layers.filter((l) => !small.manifest.layers.some((x) => x.digest === l.digest));
      assert.ok(onlyB.length >= 1 && onlyB.length < other.manifest.layers.length, 'they share layers');
      assert.strictEqual(out.read[1].blobsRead, onlyB.length, 'the second read only its own layers');
      assert.strictEqual(out.read[1].bytesRead, onlyB.reduce((n, l) => n + l.size, 0));
      const fetched = proxy.blobGets().filter((g) => other.manifest.layers.some((l) => l.digest === g.digest));
      assert.strictEqual(new Set(fetched.map((g) => g.digest)).size, fetched.length, 'no layer blob fetched twice');
    } finally {
      await proxy.stop();
    }
  });

  describe('logging in', () => {
    it('htpasswd: the docker config\'s credentials are used; none, or wrong ones, are one sentence each', async () => {
      const pushed = await pushFixtureImage('auth', 'strata-test/private', tag);
      const { username, password } = registryCredentials('auth') ?? { username: '', password: '' };
      const ok = strata(['analyze', pushed.url], { DOCKER_CONFIG: dockerConfigWith(registries.auth.address, username, password), XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(ok.status, 0, ok.stderr);
      const none = strata(['analyze', pushed.url], { DOCKER_CONFIG: temp('empty-config'), XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(none.status, 2);
      assert.strictEqual(none.stderr.trim(), `strata: The registry ${registries.auth.address} needs you to log in to read strata-test/private:${tag}: run docker login ${registries.auth.address}, then retry.`);
      const wrong = strata(['analyze', pushed.url], { DOCKER_CONFIG: dockerConfigWith(registries.auth.address, username, 'not-it'), XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(wrong.status, 2);
      assert.strictEqual(wrong.stderr.trim(), `strata: The registry ${registries.auth.address} refused the credentials for strata-test/private:${tag}: log in again (docker login ${registries.auth.address}) and retry.`);
    });

    it('token auth over TLS (as Docker Hub, GHCR): the token flow with the CA given; an unknown certificate without it', async () => {
      const token = registries.token;
      const pushed = await pushFixtureImage('token', 'strata-test/tokened', tag);
      const ca = registryCa('token') as string;
      const creds = async () => registryCredentials('token');
      const read = await remote(pushed.url, { ca: [fs.readFileSync(ca)], credentials: creds });
      assert.strictEqual(read.layers.length, pushed.manifest.layers.length);
      const untrusted = await rejection(remote(pushed.url, { credentials: creds }));
      assert.ok(untrusted instanceof RegistryError, String(untrusted));
      assert.match(untrusted.message, new RegExp(`^The registry ${token.address.replace(/\./g, '\\.')} has a certificate Strata does not trust \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)`));
      // The CLI: --ca, and credentials from the docker config.
      const cli = strata(['analyze', pushed.url, '--ca', ca], { DOCKER_CONFIG: dockerConfigWith(token.address, token.username, token.password), XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(cli.status, 0, cli.stderr);
    });

    it('token auth: anonymous reads public/*, not the rest; the reader reads; an expired token is renewed on the 401', async () => {
      const token = registries.token;
      const ca = [fs.readFileSync(registryCa('token') as string)];
      const open = await pushFixtureImage('token', 'public/strata-test', tag);
      const closed = await pushFixtureImage('token', 'strata-test/closed', tag);
      assert.strictEqual((await remote(open.url, { ca })).layers.length, open.manifest.layers.length);
      const refused = await rejection(remote(closed.url, { ca }));
      assert.strictEqual(refused.message, `The registry ${token.address} needs you to log in to read strata-test/closed:${tag}: run docker login ${token.address}, then retry.`);
      const reader = async () => ({ username: token.readerUsername, password: token.readerPassword });
      assert.strictEqual((await remote(closed.url, { ca, credentials: reader })).layers.length, closed.manifest.layers.length);
      // expiring/*: the reader's tokens live a few seconds; the client asks again when one is refused.
      const expiring = await pushFixtureImage('token', 'expiring/strata-test', tag);
      const asked: string[] = [];
      const client = new RegistryClient(token.address, { ca, credentials: reader, onRequest: (_m, url) => asked.push(url) });
      await client.manifest('expiring/strata-test', tag);
      const tokensBefore = asked.filter((u) => u.includes('/token')).length;
      // Waited for on the registry's own clock: the token it gave must have died.
      await new Promise((r) => setTimeout(r, (token.shortTtl + 1) * 1000));
      const again = await client.manifest('expiring/strata-test', tag);
      assert.strictEqual(again.digest, expiring.digest);
      assert.strictEqual(asked.filter((u) => u.includes('/token')).length, tokensBefore + 1, 'one new token');
    });
  });

  it('a multi-platform index with attestations: this machine\'s platform, another by --platform, the attestations named', async () => {
    const index = await pushMultiPlatformIndex('strata-test/multi', tag);
    const url = registryUrl('open', 'strata-test/multi', tag);
    const amd = await remote(url);
    assert.strictEqual(amd.platform, 'linux/amd64');
    assert.deepStrictEqual(amd.platforms.map((p) => p.platform).sort(), Object.keys(index.manifests).sort());
    assert.ok(amd.attestations.length >= 1 && amd.attestations.every((a) => a === 'provenance'), amd.attestations.join(', '));
    const r = strata(['analyze', url, '--platform', 'linux/arm64', '--json'], { XDG_CACHE_HOME: temp('xdg') });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual((JSON.parse(r.stdout) as { platform: string }).platform, 'linux/arm64');
    const none = strata(['analyze', url, '--platform', 'linux/s390x'], { XDG_CACHE_HOME: temp('xdg') });
    assert.strictEqual(none.status, 2);
    assert.match(none.stderr, new RegExp(`has no linux/s390x image: it has (linux/amd64, linux/arm64|linux/arm64, linux/amd64)\\.`));
  });

  it('an OCI image layout folder (skopeo\'s copy of the same image) gives the same figures', async () => {
    const dir = temp('oci');
    execFileSync('skopeo', ['copy', '-q', `docker://${small.reference}`, `oci:${dir}:copied`, '--src-tls-verify=false']);
    const r = strata(['analyze', `oci-layout://${dir}:copied`, '--json'], { XDG_CACHE_HOME: temp('xdg') });
    assert.strictEqual(r.status, 0, r.stderr);
    const fromRegistry = strata(['analyze', small.url, '--json'], { XDG_CACHE_HOME: temp('xdg') });
    const pick = (text: string) => {
      const o = JSON.parse(text) as { sizeBytes: number; efficiency: number; wastedBytes: number; layers: Array<{ size: number; counts: unknown }> };
      return [o.sizeBytes, o.efficiency, o.wastedBytes, o.layers.map((l) => [l.size, l.counts])];
    };
    assert.deepStrictEqual(pick(r.stdout), pick(fromRegistry.stdout));
  });

  describe('faults, each one sentence and nothing half-kept', () => {
    let proxy: RegistryProxy;
    beforeEach(async () => (proxy = await startRegistryProxy('open')));
    afterEach(() => proxy.stop());

    it('a blob damaged on the registry\'s disk: the digest does not match, nothing of it is kept', async () => {
      const damaged = await pushFixtureImage('open', 'strata-test/damaged', tag);
      const damage = corruptBlob('open', damaged.payloadLayer.digest);
      const cacheDir = temp('cache');
      try {
        const err = await rejection(remote(damaged.url, { cacheDir }));
        assert.ok(err instanceof RegistryError && err.problem.code === 'digestMismatch', String(err));
        assert.match(err.message, new RegExp(`^The registry ${registries.open.address.replace(/\./g, '\\.')} sent a blob that is not ${damaged.payloadLayer.digest}`));
        const images = path.join(cacheDir, CACHE_FORMAT, 'images');
        assert.ok(!fs.existsSync(images) || fs.readdirSync(images).length === 0, 'no image record');
        const layers = path.join(cacheDir, CACHE_FORMAT, 'layers');
        assert.ok(!fs.existsSync(layers) || fs.readdirSync(layers).length === 0, 'no layer of it');
      } finally {
        damage.restore();
      }
      assert.strictEqual((await remote(damaged.url, { cacheDir })).layers.length, damaged.manifest.layers.length, 'read whole once the blob is right again');
    });

    it('the registry gone mid-blob: the download resumes once where it stopped; broken twice, it says so', async () => {
      const big = await pushFixtureImage('open', 'strata-test/cut', tag, { payloadBytes: 3_000_000 });
      const blob = new RegExp(`/blobs/${big.payloadLayer.digest}$`);
      proxy.cutAfter({ method: 'GET', path: blob, afterBytes: 1_000_000, times: 1 });
      const resumed = await remote(`registry://${proxy.address}/strata-test/cut:${tag}`);
      assert.strictEqual(resumed.layers.length, big.manifest.layers.length);
      const gets = proxy.blobGets().filter((g) => g.digest === big.payloadLayer.digest);
      assert.strictEqual(gets.length, 2, 'asked twice: the second a Range request');
      proxy.clearRules();
      proxy.cutAfter({ method: 'GET', path: blob, afterBytes: 500_000, times: 2 });
      const broken = await rejection(remote(`registry://${proxy.address}/strata-test/cut:${tag}`));
      assert.ok(broken instanceof RegistryError && broken.problem.code === 'interrupted', String(broken));
    });

    const refusals: Array<[number, Record<string, string>, RegExp]> = [
      [401, { 'WWW-Authenticate': 'Basic realm="x"' }, /needs you to log in to read strata-test\/source/],
      [403, {}, /does not let you read strata-test\/source/],
      [404, {}, /is not in the registry .*: check the repository and the tag\.$/],
      [429, { 'Retry-After': '7' }, /asks for fewer requests \(429 Too Many Requests\): try again in 7 s\.$/],
      [503, { 'Retry-After': '30' }, /failed \(HTTP 503\): try again in 30 s\.$/],
    ];
    for (const [status, headers, sentence] of refusals) {
      it(`HTTP ${status}: one sentence (the CLI exits 2 with it)`, async () => {
        proxy.answer({ path: /\/manifests\//, status, headers, body: '{"errors":[{"code":"X","message":"refused"}]}' });
        // In another process, as it would run: this one serves the proxy meanwhile.
        const r = await strataAsync(['analyze', `registry://${proxy.address}/strata-test/source:${tag}`], { XDG_CACHE_HOME: temp('xdg') });
        assert.strictEqual(r.status, 2);
        assert.match(r.stderr.trim(), sentence);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.strictEqual(proxy.count(/\/manifests\//), 1, 'no retry');
      });
    }

    it('a redirect to blob storage is followed, without the registry\'s Authorization', async () => {
      const seen: http.IncomingHttpHeaders[] = [];
      const storage = http.createServer((req, res) => {
        seen.push(req.headers);
        // The real blob, from the registry behind the proxy.
        http.get(`http://${registries.open.address}/v2/strata-test/source/blobs/${small.payloadLayer.digest}`, (up) => up.pipe(res));
      });
      await new Promise<void>((resolve) => storage.listen(0, '127.0.0.2', resolve));
      const port = (storage.address() as { port: number }).port;
      // The registry asks to log in first (so the client sends Authorization from then on), then sends the blob elsewhere.
      proxy.answer({ method: 'GET', path: /\/manifests\//, status: 401, headers: { 'WWW-Authenticate': 'Basic realm="strata-test"' }, times: 1 });
      proxy.answer({ method: 'GET', path: new RegExp(`/blobs/${small.payloadLayer.digest}$`), status: 307, headers: { Location: `http://127.0.0.2:${port}/storage/blob` } });
      try {
        const read = await remote(`registry://${proxy.address}/strata-test/source:${tag}`, { credentials: async () => ({ username: 'u', password: 'p' }) });
        assert.strictEqual(read.layers.length, small.manifest.layers.length);
        assert.strictEqual(seen.length, 1, 'the blob came from the storage');
        assert.strictEqual(seen[0].authorization, undefined, 'no Authorization to another host');
      } finally {
        storage.close();
      }
    });
  });

  it('plain HTTP at an address that is not loopback: a sentence naming the setting; allowed with --insecure', async () => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    assert.ok(address, 'this machine has an address other than loopback');
    const [hostName, port] = registries.open.address.split(':');
    const forward = new SocketProxy('tcp', { host: hostName, port: Number(port) }, address);
    await forward.start();
    try {
      const url = `registry://${forward.path}/strata-test/source:${tag}`;
      const refused = await strataAsync(['analyze', url], { XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(refused.status, 2);
      assert.strictEqual(refused.stderr.trim(), `strata: The registry ${forward.path} answers plain HTTP, not HTTPS: if you trust it, add it to strata.insecureRegistries.`);
      const allowed = await strataAsync(['analyze', url, '--insecure', forward.path], { XDG_CACHE_HOME: temp('xdg') });
      assert.strictEqual(allowed.status, 0, allowed.stderr);
    } finally {
      await forward.stop();
    }
  });

  describe('the cache on disk, shared by processes', () => {
    it('two CLIs analysing the same image at once: both done, the cache whole', async () => {
      const xdg = temp('xdg');
      const [a, b] = await Promise.all([strataAsync(['analyze', small.url, '--json'], { XDG_CACHE_HOME: xdg }), strataAsync(['analyze', small.url, '--json'], { XDG_CACHE_HOME: xdg })]);
      assert.strictEqual(a.status, 0, a.stderr);
      assert.strictEqual(b.status, 0, b.stderr);
      const third = strata(['analyze', small.url, '--json'], { XDG_CACHE_HOME: xdg });
      assert.strictEqual((JSON.parse(third.stdout) as { source: { fromCache: boolean } }).source.fromCache, true);
      const leftovers = fs.readdirSync(path.join(xdg, 'strata', 'analysis', CACHE_FORMAT, 'layers')).filter((f) => f.endsWith('.tmp'));
      assert.deepStrictEqual(leftovers, []);
    });

    it('a corrupt entry is dropped and read again', () => {
      const xdg = temp('xdg');
      assert.strictEqual(strata(['analyze', small.url], { XDG_CACHE_HOME: xdg }).status, 0);
      const layers = path.join(xdg, 'strata', 'analysis', CACHE_FORMAT, 'layers');
      for (const f of fs.readdirSync(layers)) {
        fs.writeFileSync(path.join(layers, f), 'not a layer');
      }
      const r = strata(['analyze', small.url, '--json'], { XDG_CACHE_HOME: xdg });
      assert.strictEqual(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { source: { fromCache: boolean; blobsRead: number } };
      assert.strictEqual(out.source.fromCache, false);
      assert.strictEqual(out.source.blobsRead, small.manifest.layers.length, 'every layer read again');
    });

    it('strata cache shows and clears it', () => {
      const xdg = temp('xdg');
      strata(['analyze', small.url], { XDG_CACHE_HOME: xdg });
      const shown = JSON.parse(strata(['cache', '--json'], { XDG_CACHE_HOME: xdg }).stdout) as { images: number; layers: number; bytes: number };
      assert.ok(shown.images === 1 && shown.layers >= 1 && shown.bytes > 0, JSON.stringify(shown));
      assert.strictEqual(strata(['cache', '--clear'], { XDG_CACHE_HOME: xdg }).status, 0);
      assert.deepStrictEqual(JSON.parse(strata(['cache', '--json'], { XDG_CACHE_HOME: xdg }).stdout), { dir: path.join(xdg, 'strata', 'analysis'), bytes: 0, images: 0, layers: 0 });
    });

    it('a full disk while keeping: the analysis is printed, then one sentence and exit code 2; nothing half-written', () => {
      const mount = temp('tmpfs');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
      try {
        // The Debian image (pushed by the figures test): its layer's entries alone are more than the disk holds.
        const r = strata(['analyze', `registry://${pushedName(DEBIAN_TEST_IMAGE)}`], { XDG_CACHE_HOME: mount });
        assert.strictEqual(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /efficiency:/, 'the analysis itself stands');
        assert.match(r.stderr.trim(), /^strata: The analysis could not be kept in .*: the disk is full\. Free some space, or lower strata\.cache\.maxSize\.$/);
        const written = execFileSync('find', [mount, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
        assert.ok(written.every((f) => !f.endsWith('.tmp')), `no temporary file left: ${written.join(', ')}`);
      } finally {
        execFileSync('umount', [mount]);
      }
    });
  });
});
