import * as assert from 'assert';
import { parseEngineEvent } from '../../../src/engine/streams/engineEvents';

describe('parseEngineEvent', () => {
  it('reads an image tag event with its name and time', () =>
    assert.deepStrictEqual(
      // As the engine sends it: timeNano has more digits than a double keeps.
      parseEngineEvent(
        '{"Type":"image","Action":"tag","Actor":{"ID":"sha256:abc","Attributes":{"name":"app:2"}},"time":1700000000,"timeNano":1700000000123456789}',
      ),
      { type: 'image', action: 'tag', id: 'sha256:abc', name: 'app:2', time: 1700000000123 },
    ));
  it('reads container events, with the detail after a colon dropped', () =>
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'start: restarted by policy', Actor: { ID: 'c1' }, time: 1 }))?.action, 'start'));
  it('an untag that names the image id (Engine 20.10, 26) carries no name; one that names the tag keeps it', () => {
    const id = `sha256:${'a'.repeat(64)}`;
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'image', Action: 'untag', Actor: { ID: id, Attributes: { name: id } }, time: 1 }))?.name, undefined);
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'image', Action: 'untag', Actor: { ID: id, Attributes: { name: 'app:1' } }, time: 1 }))?.name, 'app:1');
  });
  it("reads Podman's remove as Docker's destroy (containers) and delete (images)", () => {
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'remove', Actor: { ID: 'c1' }, time: 1 }))?.action, 'destroy');
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'image', Action: 'remove', Actor: { ID: 'sha256:1' }, time: 1 }))?.action, 'delete');
    // Podman's image ids come without the "sha256:" Docker gives them.
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'image', Action: 'remove', Actor: { ID: 'b'.repeat(64) }, time: 1 }))?.id, `sha256:${'b'.repeat(64)}`);
  });
  it('ignores what Strata does not watch, and garbage', () => {
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'constructor', Action: 'toString' })), undefined);
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'network', Action: 'connect' })), undefined);
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'container', Action: 'exec_start: sh' })), undefined);
    assert.strictEqual(parseEngineEvent(JSON.stringify({ Type: 'image', Action: 'push' })), undefined);
    assert.strictEqual(parseEngineEvent('{not json'), undefined);
  });
});
