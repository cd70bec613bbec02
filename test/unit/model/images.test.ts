import * as assert from 'assert';
import { type ImageSummary, groupByRepository, sortEntries, splitReference, toImageEntries, toImageSummary } from '../../../src/model/images';

function image(id: string, tags: string[], createdSec: number, size = 1000): ImageSummary {
  return { id, repoTags: tags, repoDigests: [], created: new Date(createdSec * 1000), size, labels: {} };
}

describe('toImageSummary', () => {
  it('reads the engine fields and drops "<none>:<none>" placeholders of old engines', () => {
    const s = toImageSummary({
      Id: 'sha256:aa',
      RepoTags: ['<none>:<none>'],
      RepoDigests: ['<none>@<none>'],
      Created: 1_700_000_000,
      Size: 42,
      Labels: null,
    });
    assert.deepStrictEqual(s.repoTags, []);
    assert.deepStrictEqual(s.repoDigests, []);
    assert.deepStrictEqual(s.labels, {});
    assert.strictEqual(s.created.toISOString(), '2023-11-14T22:13:20.000Z');
    assert.strictEqual(s.size, 42);
  });
  it('treats a missing RepoTags (null) as untagged', () => {
    assert.deepStrictEqual(toImageSummary({ Id: 'x', RepoTags: null, Created: 0, Size: 0 }).repoTags, []);
  });
});

describe('splitReference', () => {
  const cases: Array<[string, string, string]> = [
    ['nginx:1.25', 'nginx', '1.25'],
    ['local/debian:bookworm', 'local/debian', 'bookworm'],
    ['registry.example:5000/team/app:v2', 'registry.example:5000/team/app', 'v2'],
    ['registry.example:5000/team/app', 'registry.example:5000/team/app', 'latest'],
  ];
  for (const [ref, repository, tag] of cases) {
    it(ref, () => assert.deepStrictEqual(splitReference(ref), { repository, tag }));
  }
});

describe('toImageEntries', () => {
  const images = [
    image('sha256:old0000000000000', ['app:1'], 100),
    image('sha256:new0000000000000', ['app:2', 'app:latest'], 300),
    image('sha256:dangling00000000', [], 200),
  ];

  it('gives one entry per tag, newest first, then by name', () => {
    const refs = toImageEntries(images, { showDangling: false }).map((e) => e.reference);
    assert.deepStrictEqual(refs, ['app:2', 'app:latest', 'app:1']);
  });

  it('hides untagged images unless asked, and names them <none> with a short id', () => {
    const entries = toImageEntries(images, { showDangling: true });
    const dangling = entries.filter((e) => e.dangling);
    assert.strictEqual(dangling.length, 1);
    assert.strictEqual(dangling[0].reference, '<none> (dangling0000)');
    assert.deepStrictEqual(
      entries.map((e) => e.reference),
      ['app:2', 'app:latest', '<none> (dangling0000)', 'app:1'],
    );
  });

  it('is empty for no images', () => assert.deepStrictEqual(toImageEntries([], { showDangling: true }), []));
});

describe('groupByRepository and sorting', () => {
  const images = [
    image('sha256:a', ['web:1', 'web:2'], 100, 500),
    image('sha256:b', ['api:1'], 300, 100),
    image('sha256:c', ['web:3'], 200, 900),
    image('sha256:d', [], 400, 50),
  ];
  const view = (sortBy: 'created' | 'name' | 'size', showDangling = false) =>
    groupByRepository(images, { sortBy, showDangling }).map((g) => [g.repository, g.entries.map((e) => e.tag)]);

  it('by created: newest repository first, newest tag first', () =>
    assert.deepStrictEqual(view('created'), [
      ['api', ['1']],
      ['web', ['3', '1', '2']],
    ]));
  it('by name: repositories and tags alphabetically', () =>
    assert.deepStrictEqual(view('name'), [
      ['api', ['1']],
      ['web', ['1', '2', '3']],
    ]));
  it('by size: largest first', () =>
    assert.deepStrictEqual(view('size'), [
      ['web', ['3', '1', '2']],
      ['api', ['1']],
    ]));
  it('untagged images form a <none> group, always last', () =>
    assert.deepStrictEqual(view('created', true), [
      ['api', ['1']],
      ['web', ['3', '1', '2']],
      ['<none>', ['<none>']],
    ]));
  it('sortEntries leaves its input alone', () => {
    const entries = toImageEntries(images, { showDangling: false });
    const copy = [...entries];
    sortEntries(entries, 'size');
    assert.deepStrictEqual(entries, copy);
  });
});
