import * as assert from 'assert';
import { configKey, parseReference } from '../../../src/model/reference';
import { TransferTracker } from '../../../src/engine/api/transfer';

describe('parseReference (the reference grammar)', () => {
  const ok = (text: string) => {
    const r = parseReference(text);
    assert.ok(r.ok, r.ok ? '' : r.error);
    return r.reference;
  };
  const bad = (text: string) => {
    const r = parseReference(text);
    assert.ok(!r.ok, `${text} was accepted`);
    return r.error;
  };
  it('Docker Hub names, official ones under library/', () => {
    assert.deepStrictEqual(ok('busybox'), { registry: 'docker.io', repository: 'library/busybox', name: 'busybox' });
    assert.deepStrictEqual(ok('team/app:2.1'), { registry: 'docker.io', repository: 'team/app', name: 'team/app', tag: '2.1' });
  });
  it('a registry with a port, a tag and a digest', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    assert.deepStrictEqual(ok(`127.0.0.1:5000/strata/app:v1@${d}`), { registry: '127.0.0.1:5000', repository: 'strata/app', name: '127.0.0.1:5000/strata/app', tag: 'v1', digest: d });
    assert.strictEqual(ok('localhost/app').registry, 'localhost');
    assert.strictEqual(ok('registry.example.com/a__b/c-d.e').repository, 'a__b/c-d.e');
  });
  it('says what is wrong', () => {
    assert.strictEqual(bad('MyApp'), 'Image names are lower case: write myapp, not MyApp.');
    assert.match(bad('app:-x'), /"-x" is not a valid tag/);
    assert.match(bad('app//x'), /empty part between slashes/);
    assert.match(bad('a..b'), /"a..b" is not a valid name part/);
    assert.match(bad('app@sha256:xyz'), /is not a digest/);
    assert.match(bad(''), /^Give an image reference/);
    assert.match(bad('my app'), /has a space/);
  });
  it('the config.json key for Docker Hub', () => assert.strictEqual(configKey('docker.io'), 'https://index.docker.io/v1/'));
});

describe('TransferTracker', () => {
  it('bytes per layer and in all, through download, extraction and completion; errors thrown', () => {
    const t = new TransferTracker();
    t.handle({ status: 'Pulling from strata/app', id: 'v1' });
    t.handle({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' });
    t.handle({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 500, total: 1000 } });
    t.handle({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 10, total: 20 } });
    assert.deepStrictEqual(t.totals(), { moved: 510, size: 1020, extracted: 0, layers: 2, done: 0 });
    t.handle({ status: 'Extracting', id: 'aaaaaaaaaaaa', progressDetail: { current: 300, total: 1000 } });
    t.handle({ status: 'Pull complete', id: 'bbbbbbbbbbbb' });
    assert.deepStrictEqual(t.totals(), { moved: 1020, size: 1020, extracted: 320, layers: 2, done: 1 });
    t.handle({ status: 'Status: Downloaded newer image for strata/app:v1' });
    assert.strictEqual(t.summary, 'Status: Downloaded newer image for strata/app:v1');
    assert.throws(() => t.handle({ error: 'unauthorized', errorDetail: { message: 'unauthorized: authentication required' } }), /authentication required/);
  });
});
