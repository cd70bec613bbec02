/**
 * The harness for reading images straight from registries, proven against the real
 * servers before any client is tested on it: the token registry (TLS, Bearer tokens from
 * the harness's issuer: users, anonymous public pulls, expiry), the multi-platform index
 * Docker 28's BuildKit pushes, a blob corrupted on the registry's disk, and the proxy that
 * cuts and answers. Each oracle (hand-made requests, skopeo) is checked against the fixture.
 */
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import {
  type HttpAnswer,
  type ImageManifest,
  type PushedImage,
  type PushedIndex,
  blobPath,
  corruptBlob,
  decodeJwt,
  fetchToken,
  getBlob,
  getManifest,
  httpRequest,
  imageReference,
  parseChallenge,
  pushFixtureImage,
  pushMultiPlatformIndex,
  registryRequest,
  registryUrl,
  requestToken,
  sha256,
  skopeoCopy,
  startRegistryProxy,
} from '../../harness/fixtures/registryFixtures';
import type { RegistryProxy } from '../../harness/proxies/registryProxy';
import { CACHE, testEngine, testRegistries } from '../../harness/testEngines';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a request rejected with (a TLS refusal, a cut body). */
async function refusal(work: Promise<unknown>): Promise<Error & { code?: string; status?: number; received?: Buffer; headers?: Record<string, string> }> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.ok(err, 'it was refused');
  return err;
}

function bearer(answer: HttpAnswer) {
  const challenge = parseChallenge(answer.headers['www-authenticate']);
  assert.strictEqual(challenge?.scheme, 'Bearer', `a Bearer challenge: ${String(answer.headers['www-authenticate'])}`);
  return challenge.params;
}

describe('registry harness: token registry, multi-platform index, corrupt blobs, fault proxy (real registries)', function () {
  this.timeout(180_000);
  const regs = testRegistries();
  const tag = runTag('harness');
  const host = new Docker({ socketPath: testEngine('host').fixtureSocket });
  let out: string; // skopeo's downloads
  let priv: PushedImage; // token registry, strata-test/…
  let pub: PushedImage; // token registry, public/…
  let expiring: PushedImage; // token registry, expiring/…
  let open: PushedImage; // open registry, a 1 MB payload

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-reg-harness-'));
    priv = await pushFixtureImage('token', 'strata-test/harness', tag);
    pub = await pushFixtureImage('token', 'public/harness', tag);
    expiring = await pushFixtureImage('token', 'expiring/harness', tag);
    open = await pushFixtureImage('open', 'strata-test/harness', tag, { payloadBytes: 1_000_000 });
  });
  after(async () => {
    await removeFixtureImages(host);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('registryUrl and imageReference name an image by tag or digest', () => {
    assert.strictEqual(registryUrl('open', 'strata-test/harness', 'v1'), `registry://${regs.open.address}/strata-test/harness:v1`);
    assert.strictEqual(registryUrl('127.0.0.1:4000', 'a/b', priv.digest), `registry://127.0.0.1:4000/a/b@${priv.digest}`);
    assert.strictEqual(imageReference('token', 'a/b', 'latest'), '127.0.0.1:5002/a/b:latest');
    assert.strictEqual(priv.url, `registry://127.0.0.1:5002/strata-test/harness:${tag}`);
  });

  it('token auth as Docker Hub: a challenge, a signed token for the scope, then the manifest and a blob', async () => {
    const root = await httpRequest(`https://${regs.token.address}/v2/`, { ca: regs.token.caFile });
    assert.strictEqual(root.status, 401);
    assert.deepStrictEqual(bearer(root), { realm: regs.token.realm, service: regs.token.service });
    const bare = await httpRequest(`https://${regs.token.address}/v2/strata-test/harness/manifests/${tag}`, { ca: regs.token.caFile });
    assert.strictEqual(bare.status, 401);
    assert.deepStrictEqual(bearer(bare), { realm: regs.token.realm, service: regs.token.service, scope: 'repository:strata-test/harness:pull' });

    const answer = await requestToken(['repository:strata-test/harness:pull']);
    assert.strictEqual(answer.status, 200, answer.body.toString());
    const body = JSON.parse(answer.body.toString()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    assert.strictEqual(body.access_token, body.token);
    assert.strictEqual(body.expires_in, regs.token.ttl);
    assert.ok(Math.abs(Date.parse(body.issued_at) - Date.now()) < 10_000, body.issued_at);
    const { header, claims } = decodeJwt(body.token);
    assert.strictEqual(header.alg, 'RS256');
    const signer = new crypto.X509Certificate(Buffer.from(header.x5c?.[0] ?? '', 'base64'));
    assert.ok(signer.raw.equals(new crypto.X509Certificate(fs.readFileSync(path.join(CACHE, 'registry', 'token', 'signing', 'signing.crt'))).raw), 'x5c is the rootcertbundle');
    assert.strictEqual(claims.iss, regs.token.issuer);
    assert.strictEqual(claims.aud, regs.token.service);
    assert.strictEqual(claims.sub, 'strata');
    assert.deepStrictEqual(claims.access, [{ type: 'repository', name: 'strata-test/harness', actions: ['pull'] }]);
    assert.ok(typeof claims.jti === 'string' && (claims.exp as number) - (claims.iat as number) === regs.token.ttl);

    const auth = { Authorization: `Bearer ${body.token}`, Accept: 'application/vnd.docker.distribution.manifest.v2+json' };
    const manifest = await httpRequest(`https://${regs.token.address}/v2/strata-test/harness/manifests/${tag}`, { ca: regs.token.caFile, headers: auth });
    assert.strictEqual(manifest.status, 200);
    assert.strictEqual(manifest.headers['docker-content-digest'], priv.digest);
    assert.strictEqual(sha256(manifest.body), priv.digest);
    const blob = await httpRequest(`https://${regs.token.address}/v2/strata-test/harness/blobs/${priv.payloadLayer.digest}`, { ca: regs.token.caFile, headers: auth });
    assert.strictEqual(blob.status, 200);
    assert.strictEqual(sha256(blob.body), priv.payloadLayer.digest);

    // The registry checks the signature: the same claims re-signed by another key are refused.
    const [h, c] = body.token.split('.');
    const forged = `${h}.${c}.${crypto.sign('sha256', Buffer.from(`${h}.${c}`), crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey).toString('base64url')}`;
    const refused = await httpRequest(`https://${regs.token.address}/v2/strata-test/harness/manifests/${tag}`, { ca: regs.token.caFile, headers: { ...auth, Authorization: `Bearer ${forged}` } });
    assert.strictEqual(refused.status, 401);
    assert.strictEqual(bearer(refused).error, 'invalid_token');

    const wrong = await requestToken(['repository:strata-test/harness:pull'], { password: 'not-it' });
    assert.strictEqual(wrong.status, 401);
    assert.deepStrictEqual(JSON.parse(wrong.body.toString()), { details: 'incorrect username or password' });
    const unknownService = await requestToken([], { service: 'elsewhere' });
    assert.strictEqual(unknownService.status, 400);
  });

  it('anonymous: public/* pulls; anything else is 401 insufficient_scope (the issuer grants nothing there)', async () => {
    const manifest = await getManifest<ImageManifest>('token', 'public/harness', tag, 'anonymous');
    assert.strictEqual(manifest.digest, pub.digest);
    assert.strictEqual(sha256(await getBlob('token', 'public/harness', pub.payloadLayer.digest, 'anonymous')), pub.payloadLayer.digest);

    const token = await fetchToken(['repository:strata-test/harness:pull'], { user: 'anonymous' });
    assert.deepStrictEqual(decodeJwt(token).claims.access, []);
    const denied = await registryRequest('token', `/v2/strata-test/harness/manifests/${tag}`, { user: 'anonymous' });
    assert.strictEqual(denied.status, 401);
    assert.strictEqual(bearer(denied).error, 'insufficient_scope');

    await skopeoCopy('token', 'public/harness', tag, path.join(out, 'anon-public'), { user: 'anonymous' });
    assert.strictEqual(sha256(fs.readFileSync(path.join(out, 'anon-public', 'manifest.json'))), pub.digest);
    const skopeoDenied = await refusal(skopeoCopy('token', 'strata-test/harness', tag, path.join(out, 'anon-private'), { user: 'anonymous' }));
    assert.match(skopeoDenied.message, /denied|authentication required/);
  });

  it('reader pulls but may not push: its token leaves push out, the registry refuses the upload, the engine the push', async () => {
    assert.strictEqual((await getManifest('token', 'strata-test/harness', tag, 'reader')).digest, priv.digest);
    const scope = 'repository:strata-test/harness:pull,push';
    const readerToken = await fetchToken([scope], { user: 'reader' });
    assert.deepStrictEqual(decodeJwt(readerToken).claims.access, [{ type: 'repository', name: 'strata-test/harness', actions: ['pull'] }]);
    const upload = (token: string) => registryRequest('token', '/v2/strata-test/harness/blobs/uploads/', { method: 'POST', token });
    const refused = await upload(readerToken);
    assert.strictEqual(refused.status, 401);
    assert.strictEqual(bearer(refused).error, 'insufficient_scope');
    const started = await upload(await fetchToken([scope]));
    assert.strictEqual(started.status, 202, 'strata may push');
    // The upload just opened is dropped again.
    const location = new URL(String(started.headers.location), `https://${regs.token.address}`);
    await registryRequest('token', `${location.pathname}${location.search}`, { method: 'DELETE' });

    const pushed = await refusal(pushFixtureImage('token', 'strata-test/harness-by-reader', tag, { user: 'reader', payloadBytes: 1000 }));
    assert.match(pushed.message, /denied: requested access to the resource is denied/);
  });

  it('an expired token gets 401 invalid_token and a new one works (the renewal path): expiring/* and ?ttl=N', async () => {
    // Each is used as soon as it comes: a token of N seconds works between N-1 and N (exp is in whole seconds).
    const manifest = (repo: string, token: string) => registryRequest('token', `/v2/${repo}/manifests/${tag}`, { token, headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    const pullOnly = await requestToken(['repository:expiring/harness:pull'], { user: 'reader' });
    const short = JSON.parse(pullOnly.body.toString()) as { token: string; expires_in: number };
    assert.strictEqual(short.expires_in, regs.token.shortTtl);
    assert.strictEqual((await manifest('expiring/harness', short.token)).status, 200, 'fresh: accepted');
    const knob = await fetchToken(['repository:strata-test/harness:pull'], { ttl: 3 });
    assert.strictEqual((await manifest('strata-test/harness', knob)).status, 200, 'fresh: accepted');
    // Pushing there stays possible: a push token is not short.
    const pushToken = JSON.parse((await requestToken(['repository:expiring/harness:pull,push'])).body.toString()) as { expires_in: number };
    assert.strictEqual(pushToken.expires_in, regs.token.ttl);

    await sleep((Math.max(regs.token.shortTtl, 3) + 1) * 1000);
    for (const [repo, token] of [
      ['expiring/harness', short.token],
      ['strata-test/harness', knob],
    ]) {
      const stale = await manifest(repo, token);
      assert.strictEqual(stale.status, 401, `${repo}: expired`);
      assert.strictEqual(bearer(stale).error, 'invalid_token');
    }
    const renewed = await fetchToken(['repository:expiring/harness:pull'], { user: 'reader' });
    const again = await manifest('expiring/harness', renewed);
    assert.strictEqual(again.status, 200);
    assert.strictEqual(sha256(again.body), expiring.digest);
  });

  it('TLS: the registry and the issuer are trusted only with the harness CA; the certificate names 127.0.0.1 and localhost', async () => {
    for (const url of [`https://${regs.token.address}/v2/`, `${regs.token.realm}?service=${regs.token.service}`]) {
      const err = await refusal(httpRequest(url));
      assert.strictEqual(err.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', `${url}: ${err.message}`);
      assert.ok([200, 401].includes((await httpRequest(url, { ca: regs.token.caFile })).status), url);
    }
    assert.strictEqual((await httpRequest(`https://${regs.token.address}/v2/`, { ca: regs.token.caFile, servername: 'localhost' })).status, 401);
    const plain = await httpRequest(`http://${regs.token.address}/v2/`);
    assert.strictEqual(plain.status, 400);
    assert.match(plain.body.toString(), /HTTP request to an HTTPS server/);

    const noCa = await refusal(skopeoCopy('token', 'strata-test/harness', tag, path.join(out, 'no-ca'), { certDir: false }));
    assert.match(noCa.message, /x509: certificate signed by unknown authority/);
    await skopeoCopy('token', 'strata-test/harness', tag, path.join(out, 'with-ca'));
    assert.strictEqual(sha256(fs.readFileSync(path.join(out, 'with-ca', 'manifest.json'))), priv.digest);
    assert.ok(fs.existsSync(path.join(out, 'with-ca', priv.payloadLayer.digest.slice('sha256:'.length))), 'skopeo downloaded the payload layer');
    await skopeoCopy('open', 'strata-test/harness', tag, path.join(out, 'open'));
    assert.strictEqual(sha256(fs.readFileSync(path.join(out, 'open', 'manifest.json'))), open.digest);
  });

  describe('a multi-platform index with attestations (Docker 28, containerd store, BuildKit)', () => {
    let index: PushedIndex;
    before(async () => {
      index = await pushMultiPlatformIndex('strata-test/harness-multi', tag);
    });

    it('holds linux/amd64 and linux/arm64, and an attestation manifest for each, annotated as such', async () => {
      assert.strictEqual(index.index.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.strictEqual(index.index.manifests.length, 4);
      assert.deepStrictEqual(Object.keys(index.manifests).sort(), ['linux/amd64', 'linux/arm64']);
      assert.deepStrictEqual(Object.keys(index.attestations).sort(), ['linux/amd64', 'linux/arm64']);
      for (const [platform, digest] of Object.entries(index.attestations)) {
        const descriptor = index.index.manifests.find((m) => m.digest === digest);
        assert.deepStrictEqual(descriptor?.annotations, { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': index.manifests[platform] });
        assert.deepStrictEqual(descriptor?.platform, { os: 'unknown', architecture: 'unknown' });
        const attestation = await getManifest<ImageManifest>('open', index.repo, digest);
        assert.deepStrictEqual(
          attestation.json.layers.map((l) => [l.mediaType, l.annotations?.['in-toto.io/predicate-type']]),
          [['application/vnd.in-toto+json', 'https://slsa.dev/provenance/v0.2']],
        );
      }
      const arches = new Set<string>();
      for (const [platform, digest] of Object.entries(index.manifests)) {
        const manifest = await getManifest<ImageManifest>('open', index.repo, digest);
        assert.strictEqual(manifest.digest, digest);
        const config = JSON.parse((await getBlob('open', index.repo, manifest.json.config.digest)).toString()) as { architecture: string; os: string };
        assert.strictEqual(`${config.os}/${config.architecture}`, platform);
        arches.add(manifest.json.layers[1].digest);
      }
      assert.strictEqual(arches.size, 2, "each platform's second layer is its own file");
      // The tag names the index; skopeo reads one platform's manifest by digest.
      assert.strictEqual((await getManifest('open', index.repo, tag)).digest, index.digest);
      await skopeoCopy('open', index.repo, index.manifests['linux/arm64'], path.join(out, 'arm64'));
      assert.strictEqual(sha256(fs.readFileSync(path.join(out, 'arm64', 'manifest.json'))), index.manifests['linux/arm64']);
    });
  });

  it("a blob corrupted on the registry's disk is served under its digest, and the bytes tell; restored, they match", async () => {
    const digest = open.payloadLayer.digest;
    assert.strictEqual(sha256(fs.readFileSync(blobPath('open', digest))), digest, 'the file is the blob');
    for (const how of ['flip', 'truncate'] as const) {
      const damage = corruptBlob('open', digest, how);
      try {
        const served = await registryRequest('open', `/v2/${open.repo}/blobs/${digest}`);
        assert.strictEqual(served.status, 200);
        assert.strictEqual(served.headers['docker-content-digest'], digest, 'the registry vouches for it');
        assert.notStrictEqual(sha256(served.body), digest, `${how}: the bytes do not match`);
        assert.strictEqual(served.body.length === open.payloadLayer.size, how === 'flip');
        const skopeo = await refusal(skopeoCopy('open', open.repo, tag, path.join(out, `corrupt-${how}`)));
        assert.match(skopeo.message, new RegExp(`Digest did not match, expected ${digest}`));
      } finally {
        damage.restore();
      }
    }
    assert.strictEqual(sha256(await getBlob('open', open.repo, digest)), digest);
    await skopeoCopy('open', open.repo, tag, path.join(out, 'restored'));
  });

  describe('the fault proxy', () => {
    let proxy: RegistryProxy;
    let tlsProxy: RegistryProxy;
    before(async () => {
      proxy = await startRegistryProxy('open');
      tlsProxy = await startRegistryProxy('token');
    });
    after(async () => {
      await proxy.stop();
      await tlsProxy.stop();
    });

    it('counts blob GETs: a client (skopeo) through it fetches the config and each layer once', async () => {
      await skopeoCopy('open', open.repo, tag, path.join(out, 'via-proxy'), { via: proxy.address });
      const blobs = proxy.blobGets();
      const wanted = [open.manifest.config.digest, ...open.manifest.layers.map((l) => l.digest)].sort();
      assert.deepStrictEqual(blobs.map((b) => b.digest).sort(), wanted);
      assert.ok(blobs.every((b) => b.status === 200 && b.repository === open.repo));
      assert.ok(proxy.count(/\/manifests\//) >= 1, 'and the manifest');
    });

    it('cuts a blob after N bytes (the registry gone mid-blob), once; the next GET gets it whole', async () => {
      const digest = open.payloadLayer.digest;
      proxy.cutAfter({ method: 'GET', path: new RegExp(`/blobs/${digest}$`), afterBytes: 65_536, times: 1 });
      const url = `http://${proxy.address}/v2/${open.repo}/blobs/${digest}`;
      const cut = await refusal(httpRequest(url));
      assert.strictEqual(cut.code, 'CUT', cut.message);
      assert.strictEqual(cut.status, 200);
      assert.strictEqual(Number(cut.headers?.['content-length']), open.payloadLayer.size, 'the whole length was announced');
      assert.strictEqual(cut.received?.length, 65_536);
      const whole = await httpRequest(url);
      assert.strictEqual(sha256(whole.body), digest);
      assert.deepStrictEqual(
        proxy.blobGets().filter((b) => b.digest === digest).slice(-2).map((b) => [b.cut, b.bytes]),
        [
          [true, 65_536],
          [false, open.payloadLayer.size],
        ],
      );
    });

    it('answers chosen requests with chosen statuses and headers, then lets them through', async () => {
      const manifestPath = `/v2/${open.repo}/manifests/${tag}`;
      const cases: Array<[number, Record<string, string>]> = [
        [401, { 'WWW-Authenticate': 'Bearer realm="https://127.0.0.1:1/token",service="x"' }],
        [403, {}],
        [404, {}],
        [429, { 'Retry-After': '2' }],
        [500, {}],
        [503, { 'Retry-After': '1' }],
      ];
      for (const [status, headers] of cases) {
        proxy.answer({ path: new RegExp(`^${manifestPath}$`), status, headers, body: JSON.stringify({ errors: [{ code: 'TEST', message: `made ${status}` }] }), times: 1 });
        const made = await registryRequest('open', manifestPath, { via: proxy.address });
        assert.strictEqual(made.status, status);
        for (const [name, value] of Object.entries(headers)) {
          assert.strictEqual(made.headers[name.toLowerCase()], value);
        }
        assert.strictEqual(proxy.requests[proxy.requests.length - 1].answeredHere, true);
        const through = await registryRequest('open', manifestPath, { via: proxy.address, headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
        assert.strictEqual(through.status, 200, `after the made ${status}`);
        assert.strictEqual(sha256(through.body), open.digest);
      }
    });

    it('stands in front of the TLS token registry (same certificate): challenge, token, manifest and blob through it', async () => {
      const manifest = await registryRequest('token', `/v2/${priv.repo}/manifests/${tag}`, { via: tlsProxy.address, headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      assert.strictEqual(manifest.status, 200);
      assert.strictEqual(sha256(manifest.body), priv.digest);
      assert.deepStrictEqual(
        tlsProxy.requests.map((r) => [r.method, r.status]),
        [
          ['GET', 401],
          ['GET', 200],
        ],
      );
      tlsProxy.cutAfter({ path: /\/blobs\//, afterBytes: 1000 });
      const cut = await refusal(registryRequest('token', `/v2/${priv.repo}/blobs/${priv.payloadLayer.digest}`, { via: tlsProxy.address }));
      assert.strictEqual(cut.received?.length, 1000);
      assert.strictEqual(tlsProxy.blobGets().length, 2, 'the 401, then the GET that was cut');
    });
  });
});
