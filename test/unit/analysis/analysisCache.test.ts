import * as assert from 'assert';
import { PassThrough, type Readable } from 'stream';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import { type EntrySpec, imageArchive, streamOf } from '../../harness/fixtures/archiveBuilder';

const file = (name: string, size: number): EntrySpec => ({ name, size });
const base: EntrySpec[] = Array.from({ length: 200 }, (_, i) => file(`usr/lib/base-${i}.so`, 100 + i));

/** An OCI archive (blobs named by their digest) of the shared base plus layers of its own. */
function archive(own: EntrySpec[][]): Promise<Buffer> {
  return imageArchive({ format: 'oci', layers: [base, ...own] });
}

/** Counts how many bytes an open() handed out, to see what was read. */
function opener(buffer: Buffer, counter: { opened: number }) {
  return async (): Promise<Readable> => {
    counter.opened++;
    return streamOf(buffer);
  };
}

describe('AnalysisCache', () => {
  it('a layer parsed once is reused by the next image that has it (same entries, not parsed again)', async () => {
    const cache = new AnalysisCache();
    const counter = { opened: 0 };
    const a = await cache.analyze('sha256:a', opener(await archive([[file('app/a.txt', 10)]]), counter));
    const b = await cache.analyze('sha256:b', opener(await archive([[file('app/b.txt', 20)]]), counter));
    assert.strictEqual(a.layers[0].diffId, b.layers[0].diffId);
    assert.strictEqual(a.archiveLayers[0].entries, b.archiveLayers[0].entries, 'the base layer is the one parsed before');
    assert.notStrictEqual(a.archiveLayers[1].entries, b.archiveLayers[1].entries);
    assert.strictEqual(cache.usage.layers, 3);
    // A second ask for a kept image opens nothing.
    await cache.analyze('sha256:a', opener(await archive([]), counter));
    assert.strictEqual(counter.opened, 2);
  });

  it("a layer reused from the memory of an earlier image keeps what the content readers found in it (its packages)", async () => {
    const status = Buffer.from('Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\nInstalled-Size: 12000\n\n');
    const withDb = (own: EntrySpec[][]) => imageArchive({ format: 'oci', layers: [[...base, { name: 'var/lib/dpkg/status', data: status }], ...own] });
    const cache = new AnalysisCache();
    const counter = { opened: 0 };
    const a = await cache.analyze('sha256:a', opener(await withDb([[file('app/a.txt', 10)]]), counter));
    const b = await cache.analyze('sha256:b', opener(await withDb([[file('app/b.txt', 20)]]), counter));
    assert.strictEqual(a.archiveLayers[0].entries, b.archiveLayers[0].entries, 'the base layer came from memory');
    assert.deepStrictEqual(a.archiveLayers[0].facts?.packages?.[0].packages.map((p) => p.name), ['libc6']);
    assert.deepStrictEqual(b.archiveLayers[0].facts, a.archiveLayers[0].facts);
  });

  it('forgetting an image (it was removed) drops its analysis and the layers only it had', async () => {
    const cache = new AnalysisCache();
    const counter = { opened: 0 };
    await cache.analyze('sha256:a', opener(await archive([[file('app/a.txt', 10)]]), counter));
    await cache.analyze('sha256:b', opener(await archive([[file('app/b.txt', 20)]]), counter));
    cache.forget('sha256:a');
    assert.strictEqual(cache.get('sha256:a'), undefined);
    assert.strictEqual(cache.usage.layers, 2, 'the shared base stays for b');
    cache.forget('sha256:b');
    assert.deepStrictEqual(cache.usage, { bytes: 0, analyses: 0, layers: 0 });
  });

  it('is bounded by its estimate of memory: the least recently used go first, never the newest', async () => {
    const one = new AnalysisCache();
    await one.analyze('x', opener(await imageArchive({ format: 'oci', layers: [[file('only/one', 1)]] }), { opened: 0 }));
    const perImage = one.usage.bytes;
    const cache = new AnalysisCache(() => perImage * 2.5);
    for (const key of ['i1', 'i2', 'i3', 'i4']) {
      await cache.analyze(key, opener(await imageArchive({ format: 'oci', layers: [[file(`only/${key.padEnd(3, 'x')}`, 1)]] }), { opened: 0 }));
      cache.get('i1'); // i1 stays in use
    }
    assert.ok(cache.usage.bytes <= perImage * 2.5, `${cache.usage.bytes} within ${perImage * 2.5}`);
    assert.ok(cache.get('i1'), 'the one in use was kept');
    assert.ok(cache.get('i4'), 'the newest was kept');
    assert.strictEqual(cache.get('i2'), undefined, 'the least recently used went');
  });

  it('the read stops when every request for it was cancelled (its panels closed), and is not kept', async () => {
    const cache = new AnalysisCache();
    const source = new PassThrough();
    const first = new AbortController();
    const second = new AbortController();
    const p1 = cache.analyze('slow', async () => source, { signal: first.signal });
    const p2 = cache.analyze('slow', async () => source, { signal: second.signal });
    source.write(Buffer.alloc(1024));
    first.abort();
    await assert.rejects(p1, /cancelled/);
    assert.strictEqual(source.destroyed, false, 'the other panel still waits');
    second.abort();
    await assert.rejects(p2, /cancelled/);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(source.destroyed, true, 'the export stream was closed');
    assert.strictEqual(cache.get('slow'), undefined);
  });

  it('clear() (another engine) aborts what runs and keeps nothing of it', async () => {
    const cache = new AnalysisCache();
    const source = new PassThrough();
    const p = cache.analyze('k', async () => source);
    cache.clear();
    await assert.rejects(p);
    assert.deepStrictEqual(cache.usage, { bytes: 0, analyses: 0, layers: 0 });
  });
});
