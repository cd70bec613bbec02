import * as assert from 'assert';
import { type BuildRecord, findPreviousBuilds } from '../../../src/model/previousBuild';

const BASE = [
  { CreatedBy: '/bin/sh -c #(nop) ADD file:0123 in / ', Created: 100 },
  { CreatedBy: '/bin/sh -c #(nop)  CMD ["bash"]', Created: 100 },
];

function record(id: string, created: number, tags: string[], own: Array<[string, number]>, options: { digests?: string[]; firstLayer?: string; layers?: number } = {}): BuildRecord {
  const history = [...BASE, ...own.map(([CreatedBy, Created]) => ({ CreatedBy, Created }))];
  const layers = options.layers ?? 1 + own.filter(([c]) => !c.includes('#(nop)  ')).length;
  return {
    image: { id, created: new Date(created * 1000), repoTags: tags, repoDigests: options.digests ?? [] },
    diffIds: [options.firstLayer ?? 'sha256:base', ...Array.from({ length: layers - 1 }, (_, i) => `sha256:${id}-${i}`)],
    history,
  };
}

describe('previous builds (the image a tag named before)', () => {
  it('a rebuilt tag: the untagged earlier build of the same Dockerfile, the newest of several', () => {
    const records = [
      record('old1', 200, [], [['/bin/sh -c npm ci', 200], ['/bin/sh -c #(nop) COPY dir:aaa in /app ', 200]]),
      record('old2', 300, [], [['/bin/sh -c npm ci', 200], ['/bin/sh -c #(nop) COPY dir:bbb in /app ', 300]]),
      record('now', 400, ['app:1'], [['/bin/sh -c npm ci', 200], ['/bin/sh -c #(nop) COPY dir:ccc in /app ', 400]]),
    ];
    assert.deepStrictEqual([...findPreviousBuilds(records)], [['now', 'old2']]);
  });

  it('a sibling from the same template is not a previous build: each untagged image goes to the image it resembles most', () => {
    const records = [
      // b's earlier build: shares `COPY b` (cached) with b's current build, only the base with a.
      record('b-old', 200, [], [['/bin/sh -c #(nop) COPY dir:b in /app ', 150], ['/bin/sh -c make b1', 200]]),
      record('a', 300, ['a:1'], [['/bin/sh -c #(nop) COPY dir:a in /app ', 300], ['/bin/sh -c make a', 300]]),
      record('b', 310, ['b:1'], [['/bin/sh -c #(nop) COPY dir:b in /app ', 150], ['/bin/sh -c make b2', 310]]),
    ];
    assert.deepStrictEqual([...findPreviousBuilds(records)], [['b', 'b-old']]);
  });

  it('claimed by neither when two images resemble it equally; never by an image built before it; never with other steps', () => {
    const tie = [
      record('old', 200, [], [['/bin/sh -c make x', 200]]),
      record('p', 300, ['p:1'], [['/bin/sh -c make p', 300]]),
      record('q', 300, ['q:1'], [['/bin/sh -c make q', 300]]),
    ];
    assert.strictEqual(findPreviousBuilds(tie).size, 0);
    const older = [record('old', 500, [], [['/bin/sh -c make x', 500]]), record('p', 300, ['p:1'], [['/bin/sh -c make p', 300]])];
    assert.strictEqual(findPreviousBuilds(older).size, 0);
    const otherSteps = [
      record('old', 200, [], [['/bin/sh -c make x', 200], ['/bin/sh -c #(nop)  EXPOSE 80', 200]]),
      record('p', 300, ['p:1'], [['/bin/sh -c make p', 300], ['/bin/sh -c make more', 300]], { layers: 2 }),
    ];
    assert.strictEqual(findPreviousBuilds(otherSteps).size, 0, 'EXPOSE where RUN is: another Dockerfile');
    const otherBase = [record('old', 200, [], [['/bin/sh -c make x', 200]], { firstLayer: 'sha256:other' }), record('p', 300, ['p:1'], [['/bin/sh -c make p', 300]])];
    otherBase[0].history[0] = { CreatedBy: '/bin/sh -c #(nop) ADD file:9999 in / ', Created: 50 };
    assert.strictEqual(findPreviousBuilds(otherBase).size, 0, 'nothing in common from the base up');
  });

  it('a pulled tag that moved on: the untagged image whose RepoDigests name the repository', () => {
    const records = [
      record('debian-old', 200, [], [], { digests: ['docker.io/library/debian@sha256:1111'], firstLayer: 'sha256:old' }),
      record('debian-new', 300, ['debian:bookworm'], [], { digests: ['debian@sha256:2222'], firstLayer: 'sha256:new' }),
      record('ubuntu', 300, ['ubuntu:24.04'], [], { firstLayer: 'sha256:u' }),
    ];
    records[0].history = [{ CreatedBy: '/bin/sh -c #(nop) ADD file:old in / ', Created: 10 }];
    records[1].history = [{ CreatedBy: '/bin/sh -c #(nop) ADD file:new in / ', Created: 20 }];
    assert.deepStrictEqual([...findPreviousBuilds(records)], [['debian-new', 'debian-old']]);
  });
});
