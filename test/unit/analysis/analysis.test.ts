import * as assert from 'assert';
import * as fs from 'fs';
import { ArchiveError, readImageArchive } from '../../../src/analysis/archiveReader';
import { evaluateRules, parseByteSize } from '../../../src/analysis/ciRules';
import { computeMetrics } from '../../../src/analysis/diveMetrics';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { type LayerEntry, normalizeEntryPath } from '../../../src/model/layerEntries';
import { type EntrySpec, imageArchive, multiPlatformArchive, streamOf } from '../../harness/fixtures/archiveBuilder';
import { fixturePath } from '../../harness/fixtures/sharedFixtures';

async function analyse(buffer: Buffer): Promise<ImageAnalysis> {
  return new ImageAnalysis(await readImageArchive(streamOf(buffer)));
}

async function refusal(buffer: Buffer): Promise<string> {
  try {
    await readImageArchive(streamOf(buffer));
  } catch (err) {
    assert.ok(err instanceof ArchiveError, `an ArchiveError, not ${String(err)}`);
    return err.message;
  }
  return assert.fail('the archive was accepted');
}

const file = (name: string, size: number): EntrySpec => ({ name, size });
const dir = (name: string): EntrySpec => ({ name, type: 'directory' });
const entry = (path: string, size: number, type: LayerEntry['type'] = 'file'): LayerEntry => ({ path, size, type, mode: 0o644 });

describe('the dive fixture archives', () => {
  it('the Docker archive gives dive\'s own numbers', async () => {
    const a = new ImageAnalysis(await readImageArchive(fs.createReadStream(fixturePath('dive', 'test-docker-image.tar'))));
    const m = a.metrics;
    // dive's Test_Analysis for this archive: 0.9844212134184309, 1220598, 66237, 32025, 0.4834911001404049.
    assert.strictEqual(m.efficiency, 0.9844212134184309);
    assert.strictEqual(m.sizeBytes, 1220598);
    assert.strictEqual(m.userSizeBytes, 66237);
    assert.strictEqual(m.wastedBytes, 32025);
    assert.strictEqual(m.wastedUserPercent, 0.4834911001404049);
    assert.deepStrictEqual(
      m.wastedPaths.map((w) => [w.path, w.count, w.cumulativeSize]),
      [
        ['/root/example/somefile1.txt', 2, 12810],
        ['/root/saved.txt', 2, 12810],
        ['/root/example/somefile3.txt', 2, 6405],
      ],
    );
    assert.strictEqual(a.layers.length, 14);
    assert.deepStrictEqual(a.repoTags, ['dive-test:latest']);
    // `mv somefile3.txt /root/saved.txt`: one added, one removed.
    assert.deepStrictEqual(a.layers[7].counts, { added: 1, modified: 0, removed: 1 });
    // `rm -rf /root/example/`: the folder removed with its two 6405-byte files; /root itself modified.
    assert.deepStrictEqual(
      a.changesOf(9).map((c) => [c.path, c.kind, c.size]),
      [
        ['root/example', 'removed', 6405 * 2],
        ['root', 'modified', 0],
      ],
    );
  });

  it('the same image in three OCI compressions gives the same layers and changes', async () => {
    const results = await Promise.all(
      ['uncompressed', 'gzip', 'zstd'].map(async (c) => new ImageAnalysis(await readImageArchive(fs.createReadStream(fixturePath('dive', `test-oci-${c}-image.tar`))))),
    );
    assert.deepStrictEqual(results.map((r) => r.format), ['oci', 'oci', 'oci']);
    const changes = results.map((r) => r.layers.map((l, i) => [l.size, l.diffId, r.changesOf(i)]));
    assert.deepStrictEqual(changes[1], changes[0]);
    assert.deepStrictEqual(changes[2], changes[0]);
    assert.ok(results[0].layers[0].size > 0);
  });
});

describe('reading archives', () => {
  const layers = [[dir('app/'), file('app/a.txt', 100)], [file('app/b.txt', 5)]];

  for (const format of ['docker', 'oci'] as const) {
    for (const manifestFirst of [false, true]) {
      it(`${format} layout, manifest ${manifestFirst ? 'first' : 'last'}, read in odd-sized chunks`, async () => {
        const a = await analyse(await imageArchive({ layers, format, manifestFirst }));
        assert.strictEqual(a.format, format);
        assert.deepStrictEqual(a.layers.map((l) => [l.size, l.entryCount]), [[100, 2], [5, 1]]);
        assert.deepStrictEqual(a.layers.map((l) => l.createdBy), ['/bin/sh -c step 1', '/bin/sh -c step 2']);
      });
    }
  }

  it('gzip layer blobs', async () => {
    const a = await analyse(await imageArchive({ layers, format: 'oci', gzip: true }));
    assert.deepStrictEqual(a.layers.map((l) => l.size), [100, 5]);
  });
});

describe('multi-platform archives (nested index, attestations, gzip), as Engine 28 saves them', () => {
  const amd = { platform: 'linux/amd64', layers: [[file('bin/app', 100)], [file('etc/amd', 7)]] };
  const arm = { platform: 'linux/arm64/v8', layers: [[file('bin/app', 90)]] };

  it('reads the platform asked for; attestations are counted, never layers', async () => {
    const buffer = await multiPlatformArchive({ platforms: [amd, arm], attestations: true });
    const a = await readImageArchive(streamOf(buffer), { platform: 'linux/arm64' });
    assert.strictEqual(a.platform, 'linux/arm64/v8');
    assert.deepStrictEqual(a.layers.map((l) => l.size), [90]);
    assert.deepStrictEqual(a.attestations, ['provenance', 'provenance']);
    assert.deepStrictEqual(a.platforms, [
      { platform: 'linux/amd64', present: true },
      { platform: 'linux/arm64/v8', present: true },
    ]);
    const b = await readImageArchive(streamOf(buffer), { preferPlatform: 'linux/amd64' });
    assert.deepStrictEqual([b.platform, b.layers.length], ['linux/amd64', 2]);
  });

  it('several platforms and nothing to choose by: a sentence asking for --platform', async () => {
    const message = await refusal(await multiPlatformArchive({ platforms: [amd, arm] }));
    assert.strictEqual(message, 'the archive holds images for linux/amd64, linux/arm64/v8: choose one with --platform');
  });

  it("docker save's manifest.json says which platform it exported: that one", async () => {
    const a = await readImageArchive(streamOf(await multiPlatformArchive({ platforms: [amd, arm], dockerManifestFor: 'linux/arm64/v8' })));
    assert.strictEqual(a.platform, 'linux/arm64/v8');
    assert.deepStrictEqual(a.repoTags, ['test/multi:1']);
  });

  it('a platform only listed (not pulled) is said so; the one present is read', async () => {
    const buffer = await multiPlatformArchive({ platforms: [amd, { ...arm, present: false }], attestations: true });
    const a = await readImageArchive(streamOf(buffer));
    assert.deepStrictEqual([a.platform, a.attestations], ['linux/amd64', ['provenance']]);
    assert.deepStrictEqual(a.platforms.map((p) => [p.platform, p.present]), [
      ['linux/amd64', true],
      ['linux/arm64/v8', false],
    ]);
    await assert.rejects(readImageArchive(streamOf(buffer), { platform: 'linux/arm64' }), /lists a linux\/arm64 image, but not its layers/);
    await assert.rejects(readImageArchive(streamOf(buffer), { platform: 'linux/s390x' }), /has no linux\/s390x image: it has linux\/amd64, linux\/arm64\/v8 \(listed only\)/);
  });
});

describe('bad archives: a sentence naming the problem, never a crash or a hang', () => {
  const layers = [[dir('app/'), file('app/a.txt', 100)], [file('app/b.txt', 5)]];
  it('truncated', async () => {
    const whole = await imageArchive({ layers: [[file('big.bin', 50_000)]] });
    assert.strictEqual(await refusal(whole.subarray(0, 30_000)), 'the archive ends too early: it is truncated');
  });
  it('not a tar', async () => {
    assert.strictEqual(await refusal(Buffer.from('this is a text file, not an image archive\n'.repeat(50))), 'this is not a tar archive of an image (no valid tar header)');
  });
  it('a tar with no image in it', async () => {
    const { tarOf } = await import('../../harness/fixtures/archiveBuilder');
    assert.strictEqual(await refusal(await tarOf([file('readme.txt', 10)])), 'this tar holds no image: it has neither manifest.json nor index.json');
  });
  it('a layer blob missing (Docker and OCI)', async () => {
    assert.match(await refusal(await imageArchive({ layers, dropLayer: 1 })), /^the archive's manifest lists the layer a+1\/layer\.tar, but the archive does not contain it$/);
    assert.match(await refusal(await imageArchive({ layers, format: 'oci', dropLayer: 0 })), /^the archive's manifest lists the layer blob blobs\/sha256\/[0-9a-f]{64}, but the archive does not contain it$/);
  });
  it('a path climbing out of the root with ..', async () => {
    assert.match(await refusal(await imageArchive({ layers: [[file('../../etc/passwd', 3)]] })), /^layer a+0\/layer\.tar: the path "\.\.\/\.\.\/etc\/passwd" climbs out of the image's root$/);
  });
  it('an absolute path is read relative to the root, a/../b resolved', async () => {
    const a = await analyse(await imageArchive({ layers: [[file('/etc/hosts', 3), file('usr/../var/x', 4)]] }));
    assert.deepStrictEqual(a.changesOf(0).map((c) => c.path), ['etc/hosts', 'var/x']);
  });
  it('a 10,000-character name', async () => {
    const long = `${'d/'.repeat(4000)}${'n'.repeat(2000)}`;
    const a = await analyse(await imageArchive({ layers: [[file(long, 1)]] }));
    assert.strictEqual(a.changesOf(0)[0].path, long);
  });
  it('hard links, symbolic links and a link loop are recorded, never followed', async () => {
    const a = await analyse(
      await imageArchive({
        layers: [[file('bin/real', 10), { name: 'bin/hard', type: 'link', linkname: 'bin/real' }, { name: 'loop/a', type: 'symlink', linkname: 'b' }, { name: 'loop/b', type: 'symlink', linkname: 'a' }]],
      }),
    );
    assert.deepStrictEqual(
      a.changesOf(0).map((c) => [c.path, c.type, c.linkTarget]),
      [
        ['bin/real', 'file', undefined],
        ['bin/hard', 'hardlink', 'bin/real'],
        ['loop/a', 'symlink', 'b'],
        ['loop/b', 'symlink', 'a'],
      ],
    );
    assert.ok(a.tree(0, 'filesystem').children('loop').length === 2);
  });
});

describe('whiteouts', () => {
  it('a file whiteout removes the file; a folder whiteout removes everything under it', async () => {
    const a = await analyse(
      await imageArchive({
        layers: [
          [dir('etc/'), file('etc/a', 10), dir('cache/'), file('cache/x', 20), file('cache/y', 30)],
          [file('etc/.wh.a', 0), file('.wh.cache', 0), file('etc/b', 1)],
        ],
      }),
    );
    assert.deepStrictEqual(
      a.changesOf(1).map((c) => [c.path, c.kind, c.size]),
      [
        ['etc/a', 'removed', 10],
        ['cache', 'removed', 50],
        ['etc/b', 'added', 1],
      ],
    );
    assert.deepStrictEqual([...a.snapshot(1).keys()].sort(), ['etc', 'etc/b']);
  });

  it('an opaque folder hides what the layers below had in it, not what its own layer adds', async () => {
    const a = await analyse(
      await imageArchive({
        layers: [[dir('data/'), file('data/old1', 5), file('data/old2', 6), file('data/keep', 7)], [dir('data/'), file('data/.wh..wh..opq', 0), file('data/new', 8), file('data/keep', 9)]],
      }),
    );
    assert.deepStrictEqual([...a.snapshot(1).keys()].sort(), ['data', 'data/keep', 'data/new']);
    assert.deepStrictEqual(
      a.changesOf(1).map((c) => [c.path, c.kind]).sort(),
      [
        ['data', 'modified'],
        ['data/keep', 'modified'],
        ['data/new', 'added'],
        ['data/old1', 'removed'],
        ['data/old2', 'removed'],
      ],
    );
    assert.deepStrictEqual(a.layers[1].counts, { added: 1, modified: 1, removed: 2 });
  });
});

describe('dive metrics on layers worked out by hand', () => {
  it('a file written twice: cumulative 300, smallest 100, both counted as waste', () => {
    const m = computeMetrics([{ entries: [entry('a', 100)] }, { entries: [entry('a', 200)] }]);
    assert.strictEqual(m.sizeBytes, 300);
    assert.strictEqual(m.userSizeBytes, 200);
    assert.strictEqual(m.efficiency, 100 / 300);
    assert.strictEqual(m.wastedBytes, 300);
    assert.strictEqual(m.wastedUserPercent, 1.5);
  });

  it('only the leaves of each layer\'s own tree count; a folder entry with files below does not', () => {
    const m = computeMetrics([{ entries: [entry('d', 0, 'dir'), entry('d/f', 10)] }, { entries: [entry('d', 0, 'dir'), entry('d/g', 5)] }]);
    assert.deepStrictEqual(m.wastedPaths, []);
    assert.strictEqual(m.efficiency, 1);
  });

  it('a whiteout of a file counts 0; of a folder, everything under it', () => {
    const m = computeMetrics([
      { entries: [entry('f', 40), entry('d', 0, 'dir'), entry('d/x', 10), entry('d/y', 20)] },
      { entries: [entry('.wh.f', 0), entry('.wh.d', 0)] },
    ]);
    // f: 40 + 0 (min 0); d: 30 via the whiteout, only touched once as a leaf (d/x, d/y were the leaves below).
    const byPath = Object.fromEntries(m.wastedPaths.map((w) => [w.path, [w.count, w.cumulativeSize, w.minSize]]));
    assert.deepStrictEqual(byPath, { '/f': [2, 40, 0] });
    // Σ min = 0 (f) + 10 (d/x) + 20 (d/y) + 30 (d) = 60; Σ cumulative = 40 + 10 + 20 + 30 = 100.
    assert.strictEqual(m.efficiency, 0.6);
    assert.strictEqual(m.wastedBytes, 40);
  });

  it('opaque markers are left out of the metrics (dive drops them)', () => {
    const withMarker = computeMetrics([{ entries: [entry('d/a', 5)] }, { entries: [entry('d/.wh..wh..opq', 0), entry('d/b', 7)] }]);
    const without = computeMetrics([{ entries: [entry('d/a', 5)] }, { entries: [entry('d/b', 7)] }]);
    assert.deepStrictEqual(withMarker, without);
  });

  it('no bytes at all: efficiency 1', () => assert.strictEqual(computeMetrics([{ entries: [entry('d', 0, 'dir')] }]).efficiency, 1));
});

describe('CI rules', () => {
  const m = computeMetrics([{ entries: [entry('a', 100)] }, { entries: [entry('a', 200)] }]);
  it('each rule PASS or FAIL with the number judged', () =>
    assert.deepStrictEqual(
      evaluateRules(m, { lowestEfficiency: 0.3, highestWastedBytes: 299, highestUserWastedPercent: 2 }).map((r) => [r.rule, r.pass]),
      [
        ['lowestEfficiency', true],
        ['highestWastedBytes', false],
        ['highestUserWastedPercent', true],
      ],
    ));
  it('Strata\'s maxImageSize (the analysed size) and maxLayers: at the limit passes, above it fails', () =>
    assert.deepStrictEqual(
      [300, 299].flatMap((size) => evaluateRules(m, { maxImageSize: size, maxLayers: size === 300 ? 2 : 1 })).map((r) => [r.rule, r.pass]),
      [
        ['maxImageSize', true],
        ['maxLayers', true],
        ['maxImageSize', false],
        ['maxLayers', false],
      ],
    ));
  it('sizes as dive writes them (go-humanize: K = 1000, Ki = 1024, any case)', () => {
    assert.strictEqual(parseByteSize('20Mb'), 20_000_000);
    assert.strictEqual(parseByteSize('512MiB'), 512 * 1024 ** 2);
    assert.strictEqual(parseByteSize('2k'), 2000);
    assert.strictEqual(parseByteSize('2Ki'), 2048);
    assert.strictEqual(parseByteSize('20MB'), 20_000_000);
    assert.strictEqual(parseByteSize('1.5 GB'), 1_500_000_000);
    assert.strictEqual(parseByteSize('300kb'), 300_000);
    assert.strictEqual(parseByteSize('1048576'), 1_048_576);
    assert.strictEqual(parseByteSize('lots'), undefined);
  });
  it('normalizeEntryPath', () => {
    assert.strictEqual(normalizeEntryPath('./a//b/./c/'), 'a/b/c');
    assert.throws(() => normalizeEntryPath('a/../../b'), /climbs out/);
  });
});

describe('file trees for the panel', () => {
  it('folders carry the size below them; sort by size; filter keeps the way to matches', async () => {
    const a = await analyse(await imageArchive({ layers: [[dir('usr/'), file('usr/big', 900), file('usr/small', 10), dir('etc/'), file('etc/conf', 50)]] }));
    const t = a.tree(0, 'filesystem');
    assert.deepStrictEqual(t.children('', 'size').map((r) => [r.name, r.size, r.childCount]), [
      ['usr', 910, 2],
      ['etc', 50, 1],
    ]);
    assert.deepStrictEqual(t.children('', 'name', 'conf').map((r) => r.path), ['etc']);
    assert.deepStrictEqual(t.children('etc', 'name', 'conf').map((r) => [r.path, r.change]), [['etc/conf', 'added']]);
  });
});

describe('the changes-only tree marks each change', () => {
  it('added, modified and removed rows', async () => {
    const a = await analyse(await imageArchive({ layers: [[dir('app/'), file('app/a', 1), file('app/b', 2)], [dir('app/'), file('app/.wh.a', 0), file('app/b', 3), file('app/c', 4)]] }));
    assert.deepStrictEqual(
      a.tree(1, 'changes').children('app').map((r) => [r.name, r.change]),
      [
        ['a', 'removed'],
        ['b', 'modified'],
        ['c', 'added'],
      ],
    );
  });
});
