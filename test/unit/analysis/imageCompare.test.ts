import * as assert from 'assert';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { compareImages } from '../../../src/analysis/compare/imageCompare';
import { type EntrySpec, imageArchive, streamOf } from '../../harness/fixtures/archiveBuilder';

const base: EntrySpec[] = [{ name: 'bin/sh', size: 1000 }, { name: 'etc/os-release', size: 50 }];
const withData = (name: string, data: string) => ({ name, data: Buffer.from(data) }) as unknown as EntrySpec;

async function analysed(layers: EntrySpec[][]): Promise<ImageAnalysis> {
  return new ImageAnalysis(await readImageArchive(streamOf(await imageArchive({ layers })), { hashContents: true }));
}

describe('compareImages', () => {
  it('the shared band, bytes shared and only in each, and the files added, removed and modified (content by digest)', async () => {
    const a = await analysed([base, [withData('app/main.py', 'print(1)'), { name: 'app/old.txt', size: 30 }, { name: 'app/mode', size: 5, mode: 0o644 }]]);
    const b = await analysed([base, [withData('app/main.py', 'print(2)'), { name: 'app/new.txt', size: 70 }, { name: 'app/mode', size: 5, mode: 0o755 }]]);
    const c = compareImages(a, b);
    assert.strictEqual(c.sharedLayers, 1);
    assert.deepStrictEqual(c.summary.shared, { size: 1050, layers: 1 });
    assert.deepStrictEqual(c.summary.onlyA, { size: 43, layers: 1 });
    assert.deepStrictEqual(c.summary.onlyB, { size: 83, layers: 1 });
    assert.deepStrictEqual(
      c.differences.map((d) => [d.path, d.kind, d.delta, d.reasons]),
      [
        ['app/new.txt', 'added', 70, []],
        ['app/old.txt', 'removed', -30, []],
        ['app/main.py', 'modified', 0, ['content']],
        ['app/mode', 'modified', 0, ['mode']],
      ],
    );
    // The tree sums each folder's change: app gained 40 bytes.
    assert.deepStrictEqual(c.tree.children('', 'delta').map((r) => [r.name, r.delta]), [['app', 40]]);
  });
});
