/**
 * Pull, push, tag and prune against real registries (Debian's docker-registry on
 * 127.0.0.1:5000 with htpasswd auth, :5001 without) and a real engine: progress per
 * layer, credentials from a docker config (auths and a credential helper), cancelling,
 * and each failure as a sentence naming the registry.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { type RegistryAuth, credentialsFor } from '../../../src/engine/connect/credentials';
import { parseReference } from '../../../src/model/reference';
import { TransferTracker, describeTransferError } from '../../../src/engine/api/transfer';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { fixtureClient, hostEngine, strataEngine, testEngine, testRegistries } from '../../harness/testEngines';

function ref(text: string) {
  const r = parseReference(text);
  if (!r.ok) {
    throw new Error(r.error);
  }
  return r.reference;
}

describe('registries: pull, push, tag, credentials (real registries)', function () {
  this.timeout(120_000);
  const docker = new Docker();
  const engine = hostEngine();
  const regs = testRegistries();
  const tag = runTag('reg');
  const local = `strata-test/reg:${tag}`;
  const open = `${regs.open.address}/strata-test/reg:${tag}`;
  const guarded = `${regs.auth.address}/strata-test/reg:${tag}`;
  const auth: RegistryAuth = { username: regs.auth.username, password: regs.auth.password, serveraddress: regs.auth.address };

  before(async () => {
    await buildFixtureImage(docker, local, { steps: ['RUN head -c 3000000 /dev/urandom > /payload.bin'] });
    await engine.tagImage(local, `${regs.open.address}/strata-test/reg`, tag);
    await engine.tagImage(local, `${regs.auth.address}/strata-test/reg`, tag);
  });
  after(async () => {
    for (const r of [open, guarded]) {
      await docker.getImage(r).remove().catch(() => undefined);
    }
    await removeFixtureImages(docker);
    engine.dispose();
  });

  it('push to the open registry, with progress per layer; then pull it back after removing it here', async () => {
    const pushed = new TransferTracker();
    await engine.pushImage(open, { onEvent: (e) => pushed.handle(e) });
    assert.ok(pushed.totals().layers >= 3, `${pushed.totals().layers} layers`);
    assert.strictEqual(pushed.totals().done, pushed.totals().layers, 'every layer pushed (or already there)');
    await docker.getImage(open).remove();
    const pulled = new TransferTracker();
    await engine.pullImage(open, { onEvent: (e) => pulled.handle(e) });
    assert.ok((await engine.listImages()).some((i) => i.repoTags.includes(open)), 'pulled');
    // Its layers were still here (the image was built here): nothing to download, said so.
    assert.match(pulled.summary, /Status: (Downloaded newer image|Image is up to date)/);
  });

  it('push and pull with credentials: from the engine call, and from a docker config (auths and a credential helper)', async () => {
    await engine.pushImage(guarded, { auth });
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-creds-'));
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [regs.auth.address]: { auth: Buffer.from(`${regs.auth.username}:${regs.auth.password}`).toString('base64') } } }));
    const fromAuths = await credentialsFor(regs.auth.address, { DOCKER_CONFIG: config });
    assert.deepStrictEqual(fromAuths, auth);
    // A credential helper, as Docker Desktop and cloud CLIs install them.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-helper-'));
    fs.writeFileSync(path.join(bin, 'docker-credential-strata-test'), `#!/bin/sh\nread server\n[ "$server" = "${regs.auth.address}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"'$server'","Username":"${regs.auth.username}","Secret":"${regs.auth.password}"}'\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ credsStore: 'strata-test' }));
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const fromHelper = await credentialsFor(regs.auth.address, { DOCKER_CONFIG: config });
      assert.deepStrictEqual(fromHelper, auth);
      assert.strictEqual(await credentialsFor('other.example:5000', { DOCKER_CONFIG: config }), undefined);
    } finally {
      process.env.PATH = saved;
    }
    await docker.getImage(guarded).remove();
    await engine.pullImage(guarded, { auth: fromAuths });
    assert.ok((await engine.listImages()).some((i) => i.repoTags.includes(guarded)));
  });

  const failure = async (work: Promise<unknown>, text: string, action: 'pull' | 'push', sent: boolean) => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err, `the ${action} was refused`);
    const message = err instanceof Error ? ((err as { json?: { message?: string } }).json?.message ?? err.message) : String(err);
    return describeTransferError(message, ref(text), action, sent);
  };

  it('no credentials, wrong credentials, not found, registry down, push refused: one sentence each', async () => {
    const missing = await failure(engine.pullImage(`${regs.auth.address}/strata-test/reg:${tag}-none`), guarded, 'pull', false);
    assert.strictEqual(missing, `The registry ${regs.auth.address} needs you to log in to pull ${regs.auth.address}/strata-test/reg:${tag}: run docker login ${regs.auth.address}, then retry.`);
    const wrong = await failure(engine.pullImage(guarded, { auth: { ...auth, password: 'not-it' } }), guarded, 'pull', true);
    assert.strictEqual(wrong, `The registry ${regs.auth.address} refused the credentials for ${regs.auth.address}/strata-test/reg:${tag}: log in again (docker login ${regs.auth.address}) and retry.`);
    const notFound = `${regs.open.address}/strata-test/never-pushed:${tag}`;
    assert.strictEqual(await failure(engine.pullImage(notFound), notFound, 'pull', false), `${regs.open.address}/strata-test/never-pushed:${tag} is not in the registry ${regs.open.address}: check the name and the tag.`);
    const down = `127.0.0.1:5999/strata-test/reg:${tag}`;
    assert.match(await failure(engine.pullImage(down), down, 'pull', false), /^The registry 127\.0\.0\.1:5999 cannot be reached \(.*connection refused.*\): check that it is up/);
    const refused = await failure(engine.pushImage(guarded), guarded, 'push', false);
    assert.match(refused, new RegExp(`^The registry ${regs.auth.address.replace(/\./g, '\\.')} needs you to log in to push`));
  });

  it('a pull cancelled: the request is aborted, nothing is left half-pulled in the list', async () => {
    const big = `${regs.open.address}/strata-test/reg-big:${tag}`;
    await buildFixtureImage(docker, big, { steps: ['RUN head -c 60000000 /dev/urandom > /big.bin'] });
    await engine.pushImage(big);
    await docker.getImage(big).remove();
    // Layers only the big image has are not here: they download, with bytes per layer.
    await removeFixtureImages(docker);
    const abort = new AbortController();
    const progress = new TransferTracker();
    const pulling = engine.pullImage(big, {
      signal: abort.signal,
      onEvent: (e) => {
        progress.handle(e);
        // Mid-way through the big layer (small layers can come first, and finish, before its size is known).
        const { moved, size } = progress.totals();
        if (size >= 60_000_000 && moved > 1_000_000) {
          abort.abort();
        }
      },
    });
    await assert.rejects(pulling, /cancelled|aborted/i);
    const { moved, size } = progress.totals();
    assert.ok(moved > 1_000_000 && size >= 60_000_000, JSON.stringify(progress.totals()));
    // Cut off where it was, not rejected once everything had come.
    assert.ok(moved < size / 2, `the pull stopped mid-way: ${JSON.stringify(progress.totals())}`);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!(await engine.listImages()).some((i) => i.repoTags.includes(big)), 'not in the list');
  });
});

describe('prune (on the harness second engine)', function () {
  this.timeout(60_000);
  const second = testEngine('second-tls');
  const docker = fixtureClient(second);
  const engine = strataEngine(second, `unix://${second.fixtureSocket}`);
  const tag = runTag('prune');

  after(async () => {
    await removeFixtureImages(docker);
    engine.dispose();
  });

  it('counts what it would remove and its size, removes it, and says the space reclaimed; then nothing is left to prune', async () => {
    const image = `strata-test/prune:${tag}`;
    await buildFixtureImage(docker, image, { steps: ['RUN echo one > /v'] });
    // A dangling image: the tag moved on to a rebuild.
    await buildFixtureImage(docker, image, { steps: ['RUN echo two > /v'] });
    for (let i = 0; i < 2; i++) {
      const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', 'head -c 100000 /dev/zero > /scratch'], Labels: { [TEST_LABEL]: String(process.pid) } });
      await c.start();
      await c.wait();
    }
    const before = await engine.pruneCandidates();
    assert.ok(before.containers.length >= 2 && before.containers.some((c) => c.size >= 100_000), JSON.stringify(before.containers));
    assert.ok(before.images.length >= 1);
    const result = await engine.prune();
    assert.strictEqual(result.containers, before.containers.length);
    assert.ok(result.images >= 1);
    assert.ok(result.reclaimed >= 200_000, `${result.reclaimed} bytes reclaimed`);
    const after = await engine.pruneCandidates();
    assert.deepStrictEqual([after.containers.length, after.images.length], [0, 0]);
  });
});
