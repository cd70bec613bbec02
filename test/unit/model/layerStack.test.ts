import * as assert from 'assert';
import { attributeLayers } from '../../../src/model/baseImages';
import { type RawHistoryEntry, alignLayers } from '../../../src/model/layerAlignment';
import { buildLayerStack } from '../../../src/model/layerStack';

function history(steps: Array<[string, number]>): RawHistoryEntry[] {
  return steps.map(([CreatedBy, Size], i) => ({ Id: '<missing>', Created: i, CreatedBy, Size })).reverse();
}

describe('buildLayerStack', () => {
  // base: ADD, CMD | runtime: RUN, ENV | app: COPY, CMD
  const h = history([
    ['/bin/sh -c #(nop) ADD file:a in / ', 100],
    ['/bin/sh -c #(nop)  CMD ["sh"]', 0],
    ['/bin/sh -c apk add python3', 5000],
    ['/bin/sh -c #(nop)  ENV PY=3', 0],
    ['/bin/sh -c #(nop) COPY file:c in /app', 7],
    ['/bin/sh -c #(nop)  CMD ["python3"]', 0],
  ]);
  const created = new Date(0);
  const images = [
    { id: 'base', references: ['base:1'], created, diffIds: ['A'] },
    { id: 'rt', references: ['rt:1'], created, diffIds: ['A', 'B'] },
    { id: 'app', references: ['app:1'], created, diffIds: ['A', 'B', 'C'] },
  ];
  const attribution = attributeLayers(images[2], images);

  it('groups the steps by base, with each base\'s own metadata steps when its history length is known', () => {
    const lengths: Record<string, number> = { base: 2, rt: 4 };
    const stack = buildLayerStack('app', alignLayers(h, ['A', 'B', 'C']), attribution, (id) => lengths[id]);
    assert.deepStrictEqual(
      stack.groups.map((g) => [g.base?.name ?? 'own', g.steps.map((s) => s.step.text), g.layerCount, g.size]),
      [
        ['base:1', ['ADD file:a /', 'CMD ["sh"]'], 1, 100],
        ['rt:1', ['RUN apk add python3', 'ENV PY=3'], 1, 5000],
        ['own', ['COPY file:c /app', 'CMD ["python3"]'], 1, 7],
      ],
    );
    assert.strictEqual(stack.layerCount, 3);
    assert.strictEqual(stack.size, 5107);
    assert.deepStrictEqual(stack.builtOn, { name: 'rt:1', local: true, id: 'rt' });
    assert.deepStrictEqual(stack.steps.map((s) => s.sharedBy), [3, undefined, 2, undefined, 1, undefined]);
    assert.deepStrictEqual(stack.steps.map((s) => s.base?.name), ['base:1', 'base:1', 'rt:1', 'rt:1', undefined, undefined]);
  });

  it('without the bases\' histories, each group ends right after its top layer', () => {
    const stack = buildLayerStack('app', alignLayers(h, ['A', 'B', 'C']), attribution);
    assert.deepStrictEqual(
      stack.groups.map((g) => g.steps.map((s) => s.step.text)),
      [['ADD file:a /'], ['CMD ["sh"]', 'RUN apk add python3'], ['ENV PY=3', 'COPY file:c /app', 'CMD ["python3"]']],
    );
  });

  it('an image with no bases is one group of its own', () => {
    const lone = attributeLayers({ id: 'x', references: [], created, diffIds: ['Z'] }, images);
    const stack = buildLayerStack('x', alignLayers(history([['/bin/sh -c #(nop) ADD file:z in /', 1]]), ['Z']), lone);
    assert.deepStrictEqual(stack.groups.map((g) => [g.base, g.steps.length]), [[undefined, 1]]);
  });
});
