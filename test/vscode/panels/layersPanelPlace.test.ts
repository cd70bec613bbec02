/**
 * Every request from the Layers panel's webview gets an answer, an error included: a
 * folder asked for before the analysis, in a layer the image does not have, or at a path
 * that is not there gets a `children` reply with its request id and one sentence, never
 * silence (which left the webview's promise pending and the host with an unhandled
 * rejection). Inside the real extension host, on the real engine.
 */
import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import type { LayersPanel } from '../../../src/panels/layersPanel';
import type { FromWebview, TreeRowView } from '../../../src/protocol/layersProtocol';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { activateStrata, imageNode } from '../helpers/treeHelpers';
import { ask as askPanel, nextPosted } from '../helpers/panelMessages';

type ListChildren = Extract<FromWebview, { type: 'listChildren' }>;

describe('the Layers panel answers every request (real extension host)', () => {
  const docker = new Docker();
  const reference = `strata-test/panel-place:${runTag('pl')}`;
  let api: StrataApi;
  let panel: LayersPanel;
  const query = { mode: 'changes', sort: 'name', filter: '' } as const;
  /** Sends a request as the webview does and waits for the reply with its id; no reply within the time fails. */
  const ask = (p: LayersPanel, request: Omit<ListChildren, 'type'>) => askPanel<TreeRowView>(api, p, { type: 'listChildren', ...request });

  before(async () => {
    await buildFixtureImage(docker, reference, { unique: true, steps: ['RUN mkdir -p /srv/app && echo one > /srv/app/a.txt'] });
    api = await activateStrata();
  });

  after(async () => {
    panel?.panel.dispose();
    await removeFixtureImages(docker);
  });

  it('a folder asked for before the analysis is done gets an error reply, then the same request gets rows', async () => {
    panel = (await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', await imageNode(api, reference))) as LayersPanel;
    const analysis = nextPosted(api, panel, 'analysis');
    // Asked at once: the analysis needs the webview's `ready` and the engine's export first.
    const early = await ask(panel, { requestId: 9001, layer: 3, path: 'srv', ...query });
    assert.strictEqual(early.requestId, 9001);
    assert.deepStrictEqual(early.rows, []);
    assert.strictEqual(early.error, 'The files are not ready yet: the image is still being analysed.');
    assert.strictEqual((await analysis).analysis.layers.length, 4);
    const later = await ask(panel, { requestId: 9002, layer: 3, path: 'srv', ...query });
    assert.strictEqual(later.error, undefined);
    assert.deepStrictEqual(later.rows.map((r) => r.name), ['app']);
  });

  it('a layer the image does not have gets an error reply with its request id', async () => {
    const reply = await ask(panel, { requestId: 9003, layer: 99, path: '', ...query });
    assert.strictEqual(reply.type, 'failed');
    assert.strictEqual(reply.requestId, 9003);
    assert.deepStrictEqual(reply.rows, []);
    assert.strictEqual(reply.error, 'This image has no layer 100: it has 4, numbered 1 to 4.');
    const negative = await ask(panel, { requestId: 9004, layer: -1, path: '', ...query });
    assert.strictEqual(negative.error, 'This image has no layer 0: it has 4, numbered 1 to 4.');
  });

  it('a path that is not in the layer gets an error reply; an empty or filtered-out folder does not', async () => {
    const missing = await ask(panel, { requestId: 9005, layer: 3, path: 'srv/nowhere', ...query });
    assert.strictEqual(missing.requestId, 9005);
    assert.strictEqual(missing.error, '/srv/nowhere is not among the changes of layer 4.');
    const whole = await ask(panel, { requestId: 9006, layer: 3, path: 'srv/nowhere', mode: 'filesystem', sort: 'name', filter: '' });
    assert.strictEqual(whole.error, '/srv/nowhere is not among the files up to layer 4.');
    const filtered = await ask(panel, { requestId: 9007, layer: 3, path: 'srv/app', ...query, filter: 'no-such-name' });
    assert.strictEqual(filtered.error, undefined, 'a folder whose rows the filter hides is there');
    assert.deepStrictEqual(filtered.rows, []);
  });

  it('a malformed request (no path, an unknown mode) is answered too, not thrown', async () => {
    const noPath = await ask(panel, { requestId: 9008, layer: 3, path: undefined as unknown as string, ...query });
    assert.strictEqual(noPath.requestId, 9008);
    assert.match(noPath.error ?? '', /^The files could not be listed: .+\.$/);
    const badMode = await ask(panel, { requestId: 9009, layer: 3, path: '', mode: 'everything' as unknown as 'changes', sort: 'name', filter: '' });
    assert.match(badMode.error ?? '', /is not a way to show files/);
  });
});
