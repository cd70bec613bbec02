import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import type { LayersPanel } from '../../../src/panels/layersPanel';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { activateStrata, imageNode } from '../helpers/treeHelpers';
import { ask, nextPosted } from '../helpers/panelMessages';
import type { TreeRowView } from '../../../src/protocol/layersProtocol';


describe('the Layers panel (real extension host)', () => {
  const docker = new Docker();
  const reference = `strata-test/panel:${runTag('w')}`;
  let api: StrataApi;
  let panel: LayersPanel;

  before(async () => {
    await buildFixtureImage(docker, reference, { unique: true, steps: ['RUN mkdir /data && echo one > /data/a.txt', 'RUN echo two > /data/a.txt && rm -r /bin/ls'] });
    api = await activateStrata();
  });

  after(async () => {
    panel?.panel.dispose();
    await removeFixtureImages(docker);
  });

  it('Show Layers on an image node opens its panel; the webview says ready, the host sends the stack, then the analysis', async () => {
    const node = await imageNode(api, reference);
    const opened = vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', node);
    panel = await opened;
    assert.ok(panel, 'the command returned the panel');
    assert.strictEqual(panel.panel.viewType, 'strata.layers');
    assert.strictEqual(panel.panel.title, `Layers: ${reference}`);
    const init = await nextPosted(api, panel, 'init');
    assert.strictEqual(init.image.title, reference);
    const steps = init.groups.flatMap((g) => g.steps);
    assert.deepStrictEqual(
      steps.filter((s) => s.layerIndex !== undefined).map((s) => s.text).slice(-2),
      ['RUN mkdir /data && echo one > /data/a.txt', 'RUN echo two > /data/a.txt && rm -r /bin/ls'],
    );
    const analysis = await nextPosted(api, panel, 'analysis');
    assert.strictEqual(analysis.analysis.layers.length, 5);
    const last = analysis.analysis.layers[4];
    assert.deepStrictEqual([last.added, last.modified, last.removed], [0, 1, 1]);
    assert.ok(analysis.analysis.wastedPaths.some((w) => w.path === '/data/a.txt' && w.count === 2));
    assert.strictEqual(api.analyses.get(panel.state.key)?.layers.length, 5, 'the analysis is cached for the image id');
  });

  it('the webview\'s request for a folder gets that folder\'s rows back', async () => {
    const reply = ask<TreeRowView>(api, panel, { type: 'listChildren', requestId: 41, layer: 4, mode: 'changes', path: 'data', sort: 'name', filter: '' });
    const m = await reply;
    assert.strictEqual(m.requestId, 41);
    assert.deepStrictEqual(m.rows.map((r) => [r.name, r.change, r.size]), [['a.txt', 'modified', 4]]);
    const bin = ask<TreeRowView>(api, panel, { type: 'listChildren', requestId: 42, layer: 4, mode: 'filesystem', path: 'bin', sort: 'name', filter: '' });
    const names = (await bin).rows.map((r) => r.name);
    assert.ok(names.includes('cat') && names.includes('busybox'), `the final /bin is listed (${names.length} names)`);
    assert.ok(!names.includes('ls'), 'ls was removed by layer 5');
  });

  it('showing the same image again reveals the same panel', async () => {
    const again = await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', await imageNode(api, reference));
    assert.strictEqual(again, panel);
  });
});
