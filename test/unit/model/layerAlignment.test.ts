import * as assert from 'assert';
import { EMPTY_LAYER_DIFF_ID, type RawHistoryEntry, alignLayers } from '../../../src/model/layerAlignment';

/** History base first, as [created_by, size]; returned newest first, as the engine gives it. */
function history(steps: Array<[string, number]>, missingIds = false): RawHistoryEntry[] {
  return steps
    .map(([CreatedBy, Size], i) => ({
      Id: missingIds && i < steps.length - 1 ? '<missing>' : `sha256:${String(i).padStart(64, '0')}`,
      Created: 1_700_000_000 + i,
      CreatedBy,
      Size,
      Comment: '',
    }))
    .reverse();
}

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const layersOf = (steps: ReturnType<typeof alignLayers>['steps']) => steps.map((s) => s.diffId ?? '-');

describe('alignLayers', () => {
  it('a built image: sized steps and nop COPY make layers, CMD/ENV/LABEL do not', () => {
    const h = history([
      ['/bin/sh -c #(nop) ADD file:aaaa in / ', 1000],
      ['/bin/sh -c #(nop)  CMD ["sh"]', 0],
      ['/bin/sh -c apk add curl', 500],
      ['/bin/sh -c #(nop)  ENV A=1', 0],
      ['/bin/sh -c #(nop) COPY file:bbbb in /app/', 20],
      ['/bin/sh -c #(nop)  LABEL x=y', 0],
    ]);
    const a = alignLayers(h, [d(1), d(2), d(3)]);
    assert.ok(a.exact);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), '-', d(2), '-', d(3), '-']);
    assert.deepStrictEqual(a.steps.map((s) => s.layerIndex), [0, undefined, 1, undefined, 2, undefined]);
    assert.deepStrictEqual(a.steps.map((s) => s.index), [0, 1, 2, 3, 4, 5]);
  });

  it('a loaded image (<missing> ids) with zero-size RUN layers (mkdir, rm) aligns by count', () => {
    const h = history(
      [
        ['/bin/sh -c #(nop) ADD file:aaaa in / ', 1154361],
        ['/bin/sh -c #(nop)  CMD ["sh"]', 0],
        ['/bin/sh -c mkdir -p /root/example', 0],
        ['/bin/sh -c cp /a /b', 6405],
        ['/bin/sh -c rm -rf /root/example/', 0],
      ],
      true,
    );
    const a = alignLayers(h, [d(1), d(2), d(3), d(4)]);
    assert.ok(a.exact);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), '-', d(2), d(3), d(4)]);
  });

  it('a RUN that changed nothing makes no layer; a WORKDIR that made its folder does', () => {
    // Two size-0 candidates for one layer: `RUN true` (no change) and WORKDIR (new folder).
    const h = history([
      ['/bin/sh -c #(nop) COPY file:aaaa in /bin/busybox', 900],
      ['/bin/sh -c true', 0],
      ['/bin/sh -c #(nop) WORKDIR /app', 0],
      ['/bin/sh -c #(nop) COPY file:bbbb in /app/', 19],
    ]);
    const a = alignLayers(h, [d(1), d(2), d(3)]);
    assert.ok(a.exact);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), '-', d(2), d(3)]);
  });

  it('an anchor from a base image settles a choice the kinds alone would get wrong', () => {
    // The base's own `RUN mkdir /x` made nothing (the folder existed): only its history says so.
    const h = history([
      ['/bin/sh -c #(nop) ADD file:aaaa in / ', 1000],
      ['/bin/sh -c mkdir -p /tmp', 0],
      ['/bin/sh -c #(nop)  CMD ["sh"]', 0],
      ['/bin/sh -c mkdir /data', 0],
    ]);
    const withoutAnchor = alignLayers(h, [d(1), d(2)]);
    assert.deepStrictEqual(layersOf(withoutAnchor.steps), [d(1), '-', '-', d(2)], 'the later of two equal candidates is kept');
    const anchored = alignLayers(h, [d(1), d(2)], [{ historyLength: 3, layerCount: 1 }]);
    assert.ok(anchored.exact);
    assert.deepStrictEqual(layersOf(anchored.steps), [d(1), '-', '-', d(2)]);
    const otherWay = alignLayers(h, [d(1), d(2)], [{ historyLength: 3, layerCount: 2 }]);
    assert.deepStrictEqual(layersOf(otherWay.steps), [d(1), d(2), '-', '-']);
  });

  it('an anchor that does not fit is ignored, not trusted', () => {
    const h = history([
      ['/bin/sh -c #(nop) ADD file:aaaa in / ', 1000],
      ['/bin/sh -c apk add x', 10],
    ]);
    const a = alignLayers(h, [d(1), d(2)], [{ historyLength: 1, layerCount: 2 }]);
    assert.ok(a.exact);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), d(2)]);
  });

  it('an image with no filesystem layer: every step is metadata', () => {
    const a = alignLayers(history([['/bin/sh -c #(nop)  LABEL a=b', 0], ['/bin/sh -c #(nop)  CMD ["x"]', 0]]), []);
    assert.ok(a.exact);
    assert.deepStrictEqual(layersOf(a.steps), ['-', '-']);
  });

  it('an empty-tar layer (BuildKit keeps them) goes to a RUN, not to a CMD', () => {
    const h = history([
      ['/bin/sh -c #(nop) ADD file:aaaa in / ', 1000],
      ['CMD ["sh"]', 0],
      ['RUN /bin/sh -c echo hi # buildkit', 0],
    ]);
    const a = alignLayers(h, [d(1), EMPTY_LAYER_DIFF_ID]);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), '-', EMPTY_LAYER_DIFF_ID]);
  });

  it('more sized steps than layers: not exact, the sized steps keep the layers they can', () => {
    const h = history([
      ['/bin/sh -c apk add a', 10],
      ['/bin/sh -c apk add b', 20],
    ]);
    const a = alignLayers(h, [d(1)]);
    assert.strictEqual(a.exact, false);
    assert.deepStrictEqual(layersOf(a.steps), [d(1), '-']);
  });

  it('no history at all: nothing to show, and not exact when there are layers', () => {
    assert.deepStrictEqual(alignLayers([], []), { steps: [], exact: true });
    assert.strictEqual(alignLayers([], [d(1)]).exact, false);
  });
});
