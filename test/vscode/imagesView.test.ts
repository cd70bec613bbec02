import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../src/engine/imageIndex';
import { ImageNode } from '../../src/views/images/imageNode';
import { EngineStatus } from '../../src/views/engines/engineStatus';
import { ImagesTreeProvider } from '../../src/views/images/imagesTreeProvider';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { until } from '../harness/until';
import { activateStrata, imageNodes } from './helpers/treeHelpers';

describe('Images view in a real extension host', () => {
  const docker = new Docker();
  const reference = `strata-test/vscode:${runTag('v')}`;
  let imageId: string;
  let api: StrataApi;

  before(async () => {
    // Unique bottom layer: no other image on the engine can be its base.
    imageId = await buildFixtureImage(docker, reference, { unique: true, steps: ['RUN echo hello > /hello.txt'] });
    api = await activateStrata();
  });

  after(async () => {
    await removeFixtureImages(docker);
  });

  async function findFixture(): Promise<ImageNode | undefined> {
    return (await imageNodes(api)).find((n) => n.reference === reference);
  }

  it('lists the fixture image under its repository, with size and age', async () => {
    const node = await findFixture();
    assert.ok(node, `${reference} is not among the view's nodes`);
    const item = api.images.getTreeItem(node);
    assert.strictEqual(item.label, reference.split(':')[1]);
    assert.strictEqual(item.contextValue, 'image');
    assert.match(String(item.description), /^\d+(\.\d+)? (B|kB|MB) · (just now|\d+ minutes? ago)$/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.ok(tooltip.includes(imageId.replace('sha256:', '')), 'tooltip has the full id');
    const inspect = await docker.getImage(imageId).inspect();
    assert.ok(tooltip.includes(inspect.Size.toLocaleString('en-US')), 'tooltip has the size in bytes');
    assert.strictEqual(api.status.state, 'connected');
  });

  it('Strata: Refresh makes the visible view ask the engine again, and picks up an image removed meanwhile', async () => {
    const extra = `strata-test/vscode-extra:${runTag('v')}`;
    await docker.getImage(imageId).tag({ repo: extra.split(':')[0], tag: extra.split(':')[1] });
    // What the real tree view does, not a call of ours: with the view shown, a refresh
    // must make VS Code ask for the root again (the engine's list is asked anew).
    await vscode.commands.executeCommand('strata.images.focus');
    await new Promise((r) => setTimeout(r, 500));
    let listed = 0;
    const list = api.index.list.bind(api.index);
    api.index.list = () => {
      listed++;
      return list();
    };
    try {
      await vscode.commands.executeCommand('strata.refresh');
      await until('the view to ask the engine again after Refresh', () => listed > 0, 10_000, 50);
    } finally {
      api.index.list = list;
    }
    assert.ok((await imageNodes(api)).some((n) => n.reference === extra));
    await docker.getImage(extra).remove();
    assert.ok(!(await imageNodes(api)).some((n) => n.reference === extra));
  });

  it('an unreachable engine gives an empty tree and a problem a person can act on', async () => {
    const missing = '/tmp/strata-no-such-engine.sock';
    const engine = DockerEngine.fromUrl(`unix://${missing}`);
    const log = vscode.window.createOutputChannel('Strata test', { log: true });
    const status = new EngineStatus({ engine }, log);
    const provider = new ImagesTreeProvider(new ImageIndex({ engine }), status, {
      showDangling: () => false,
      sortBy: () => 'created',
      showMetadataSteps: () => true,
      analysedLayerSizes: () => undefined,
    });
    try {
      assert.deepStrictEqual(await provider.getChildren(), []);
      assert.strictEqual(status.state, 'notRunning');
      assert.strictEqual(
        status.problem?.message,
        `Docker is not running: ${missing} does not exist. Start the Docker Engine, or switch Strata to the engine you use.`,
      );
    } finally {
      provider.dispose();
      status.dispose();
      log.dispose();
    }
  });
});
