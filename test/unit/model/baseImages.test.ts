import * as assert from 'assert';
import { type ImageLayers, attributeLayers } from '../../../src/model/baseImages';

let clock = 0;
function image(id: string, references: string[], diffIds: string[], labels: Record<string, string> = {}): ImageLayers {
  return { id: `sha256:${id.padEnd(64, '0')}`, references, created: new Date(++clock * 1000), diffIds, labels };
}

describe('attributeLayers', () => {
  const debian = image('deb', ['local/debian:bookworm'], ['L1']);
  const python = image('py', ['local/python:3.11'], ['L1', 'L2', 'L3']);
  const app = image('app', ['myapp:1'], ['L1', 'L2', 'L3', 'L4']);
  const other = image('oth', ['other:1'], ['X1', 'X2']);
  const all = [debian, python, app, other];

  it('a three-level chain: each layer from its nearest ancestor, built on the direct parent', () => {
    const a = attributeLayers(app, all);
    assert.deepStrictEqual(
      a.ancestors.map((b) => [b.name, b.layerCount]),
      [
        ['local/debian:bookworm', 1],
        ['local/python:3.11', 3],
      ],
    );
    assert.deepStrictEqual(a.layerBase.map((b) => b?.name), ['local/debian:bookworm', 'local/python:3.11', 'local/python:3.11', undefined]);
    assert.deepStrictEqual(a.builtOn, { name: 'local/python:3.11', local: true, id: python.id });
  });

  it('shared layers are counted over every local image holding them on the same layers below', () => {
    assert.deepStrictEqual(attributeLayers(app, all).sharedBy, [3, 2, 2, 1]);
    assert.deepStrictEqual(attributeLayers(debian, all).sharedBy, [3]);
  });

  it('an image is not its own ancestor, nor is an image with the same layers (proper prefix only)', () => {
    const sameLayers = image('same', ['myapp:labelled'], ['L1', 'L2', 'L3', 'L4']);
    const a = attributeLayers(app, [...all, sameLayers]);
    assert.deepStrictEqual(a.builtOn?.name, 'local/python:3.11');
    assert.deepStrictEqual(a.sharedBy, [4, 3, 3, 2]);
  });

  it('two images with the same chain are both built on it, and neither on the other', () => {
    const app2 = image('app2', ['myapp:2'], ['L1', 'L2', 'L3', 'L5']);
    const a1 = attributeLayers(app, [...all, app2]);
    const a2 = attributeLayers(app2, [...all, app2]);
    assert.strictEqual(a1.builtOn?.name, 'local/python:3.11');
    assert.strictEqual(a2.builtOn?.name, 'local/python:3.11');
    assert.deepStrictEqual(a2.sharedBy, [4, 3, 3, 1]);
  });

  it('unrelated images: no ancestors, no base, nothing shared', () => {
    const a = attributeLayers(other, all);
    assert.deepStrictEqual(a.ancestors, []);
    assert.strictEqual(a.builtOn, undefined);
    assert.deepStrictEqual(a.layerBase, [undefined, undefined]);
    assert.deepStrictEqual(a.sharedBy, [1, 1]);
  });

  it('several images with the same layers: the tagged one is named, then the oldest', () => {
    const untagged = image('untagged', [], ['L1']);
    const newer = image('newer', ['zz/debian:copy'], ['L1']);
    assert.strictEqual(attributeLayers(app, [untagged, newer, ...all]).ancestors[0].name, 'local/debian:bookworm');
    assert.strictEqual(attributeLayers(app, [untagged, app]).ancestors[0].name, `<none> (${'untagged'.padEnd(12, '0')})`);
  });

  it('no local ancestor but a base-name label: built on the label, not local', () => {
    const labelled = image('lab', ['svc:1'], ['Q1', 'Q2'], { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20' });
    assert.deepStrictEqual(attributeLayers(labelled, all).builtOn, { name: 'docker.io/library/alpine:3.20', local: false });
  });

  it('a local ancestor wins over the label', () => {
    const labelled = image('lab2', ['svc:2'], ['L1', 'Z'], { 'org.opencontainers.image.base.name': 'debian:bookworm' });
    assert.deepStrictEqual(attributeLayers(labelled, all).builtOn, { name: 'local/debian:bookworm', local: true, id: debian.id });
  });

  it('an image with no layers has no ancestors (an empty image is no one\'s base)', () => {
    const empty = image('empty', ['empty:1'], []);
    assert.deepStrictEqual(attributeLayers(app, [...all, empty]).ancestors.length, 2);
    assert.deepStrictEqual(attributeLayers(empty, all).sharedBy, []);
  });
});
