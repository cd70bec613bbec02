/**
 * The content readers' seam in the layer pass: a reader gets the bytes of the files it
 * wants and no others, in the same pass as the entries, and its facts travel with the layer.
 */
import * as assert from 'assert';
import type { ContentReader, LayerFacts } from '../../../src/model/layerFacts';
import { readLayer } from '../../../src/analysis/layerReader';
import { streamOf, tarOf } from '../../harness/fixtures/archiveBuilder';

interface Seen extends LayerFacts {
  seen?: string[];
}

function recorder(pattern: RegExp, asked: string[]): ContentReader {
  const read: string[] = [];
  return {
    wants: (path) => {
      asked.push(path);
      return pattern.test(path);
    },
    read: (path, content) => read.push(`${path}=${content.toString('utf8')}`),
    finish: (facts: Seen) => {
      if (read.length) {
        facts.seen = [...(facts.seen ?? []), ...read];
      }
    },
  };
}

describe('content readers in the layer pass', () => {
  it('a reader gets the whole content of the files it wants, and its facts are the layer\'s', async () => {
    const big = Buffer.alloc(100_000, 'x');
    const layer = await tarOf([
      { name: 'etc/os-release', data: Buffer.from('ID=debian\n') },
      { name: 'var/lib/dpkg/status', data: big },
      { name: 'usr/bin/tool', data: Buffer.from('binary') },
    ]);
    const asked: string[] = [];
    const parsed = await readLayer('layer', streamOf(layer, 1000), false, () => [recorder(/^(etc\/os-release|var\/lib\/dpkg\/status)$/, asked)]);
    assert.deepStrictEqual(asked, ['etc/os-release', 'var/lib/dpkg/status', 'usr/bin/tool']);
    const seen = (parsed.facts as Seen).seen ?? [];
    assert.deepStrictEqual(seen.map((s) => s.split('=')[0]), ['etc/os-release', 'var/lib/dpkg/status']);
    assert.strictEqual(seen[1].length, 'var/lib/dpkg/status='.length + big.length, 'read whole across chunks');
    assert.strictEqual(parsed.entries.length, 3, 'the entries are read as before');
  });

  it('a layer where no reader found anything has no facts', async () => {
    const parsed = await readLayer('layer', streamOf(await tarOf([{ name: 'a.txt', data: Buffer.from('a') }])), false, () => [recorder(/^$/, [])]);
    assert.strictEqual(parsed.facts, undefined);
  });
});
