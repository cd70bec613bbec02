import * as assert from 'assert';
import { LayerFileUriError, layerFileUriParts, parseLayerFileUri } from '../../../src/editors/layerFileUri';

describe('the strata-layer: URI of a file in a layer', () => {
  it('names the path as its own, the image and the layer in its query, and reads back the same', () => {
    const ref = { image: 'registry://127.0.0.1:5000/app:1.0', layer: 3, path: 'etc/my dir/ü&x=1.conf', name: 'app:1.0' };
    const parts = layerFileUriParts(ref);
    assert.strictEqual(parts.scheme, 'strata-layer');
    assert.strictEqual(parts.path, '/etc/my dir/ü&x=1.conf');
    assert.strictEqual(new URLSearchParams(parts.query).get('image'), 'registry://127.0.0.1:5000/app:1.0');
    assert.deepStrictEqual(parseLayerFileUri(parts), ref);
    // An image id, the name left out when it says nothing more.
    const byId = { image: `sha256:${'a'.repeat(64)}`, layer: 1, path: 'bin/sh' };
    assert.deepStrictEqual(parseLayerFileUri(layerFileUriParts({ ...byId, name: byId.image })), byId);
  });

  it('says in one sentence what a URI lacks', () => {
    const refusal = (path: string, query: string) => assert.throws(() => parseLayerFileUri({ path, query }), LayerFileUriError);
    refusal('/etc/x', 'layer=2');
    refusal('/etc/x', 'image=app&layer=0');
    refusal('/etc/x', 'image=app&layer=two');
    refusal('/', 'image=app&layer=2');
  });
});
