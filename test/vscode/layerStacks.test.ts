import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import type { BaseGroupNode } from '../../src/views/images/baseGroupNode';
import type { ImagesTreeNode } from '../../src/views/images/imagesTreeProvider';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { activateStrata, imageNode, imageNodes } from './helpers/treeHelpers';

function describeNodes(api: StrataApi, nodes: ImagesTreeNode[]): Array<[string, string, string]> {
  return nodes.map((n) => {
    const item = api.images.getTreeItem(n);
    return [String(item.label), String(item.description), String(item.contextValue)];
  });
}

describe('layer stacks in the Images view (real extension host)', () => {
  const docker = new Docker();
  const tag = runTag('s');
  const base = `strata-test/stack-base:${tag}`;
  const runtime = `strata-test/stack-runtime:${tag}`;
  const app = `strata-test/stack-app:${tag}`;
  let api: StrataApi;

  before(async () => {
    await buildFixtureImage(docker, base, { unique: true, steps: ['CMD ["sh"]'] });
    await buildFixtureImage(docker, runtime, {
      dockerfile: [`FROM ${base}`, 'RUN mkdir /runtime && echo 1.0 > /runtime/version', 'ENV RUNTIME=1.0'].join('\n'),
    });
    await buildFixtureImage(docker, app, {
      dockerfile: [`FROM ${runtime}`, 'COPY app.txt /app/app.txt', 'CMD ["cat", "/app/app.txt"]'].join('\n'),
      files: { 'app.txt': 'hello\n' },
    });
    api = await activateStrata();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('strata').update('layers.showMetadataSteps', undefined, vscode.ConfigurationTarget.Global);
    await removeFixtureImages(docker);
  });

  it('the app image says what it is built on, once every image is inspected (the view is told to draw it again)', async () => {
    let redrawn = 0;
    const sub = api.images.onDidChangeTreeData((n) => n && redrawn++);
    await imageNode(api, app); // drawn at once, "built on" possibly not yet known
    await api.index.warm();
    await new Promise((r) => setTimeout(r, 50));
    sub.dispose();
    assert.ok(redrawn > 0, 'the repository is drawn again when the inspection is done');
    const node = await imageNode(api, app);
    assert.match(String(node.description), new RegExp(`· built on ${runtime.replace(/[/.]/g, '\\$&')}$`));
    assert.strictEqual(node.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  it('expanding it gives the base groups, then its own layers and metadata steps, base first', async () => {
    await api.index.warm();
    const children = await api.images.getChildren(await imageNode(api, app));
    const rows = describeNodes(api, children);
    assert.deepStrictEqual(rows.slice(0, 2).map(([label, , ctx]) => [label, ctx]), [
      [`from ${base}`, 'baseGroup'],
      [`from ${runtime}`, 'baseGroup'],
    ]);
    assert.match(rows[0][1], /^3 layers, [\d.]+ MB$/);
    assert.match(rows[1][1], /^1 layer, \d+ B$/);
    assert.deepStrictEqual(
      rows.slice(2).map(([label, description, ctx]) => [label.replace(/file:[0-9a-f]{12}…/, 'file:…'), description.replace(/ · (just now|\d+ minutes? ago)/, ''), ctx]),
      [
        ['COPY file:… /app/app.txt', '#5 · 6 B', 'layer'],
        ['CMD ["cat", "/app/app.txt"]', 'metadata', 'layer.metadata'],
        [`LABEL strata.test=${process.pid}`, 'metadata', 'layer.metadata'],
      ],
    );
    const runtimeLayers = describeNodes(api, await api.images.getChildren(children[1] as BaseGroupNode));
    assert.deepStrictEqual(
      runtimeLayers.map(([label, description, ctx]) => [label, description.replace(/ · (just now|\d+ minutes? ago)/, ''), ctx]),
      [
        ['RUN mkdir /runtime && echo 1.0 > /runtime/version', '#4 · 4 B · shared by 2 images', 'layer'],
        ['ENV RUNTIME=1.0', 'metadata', 'layer.metadata'],
        [`LABEL strata.test=${process.pid}`, 'metadata', 'layer.metadata'],
      ],
    );
    const baseLayers = describeNodes(api, await api.images.getChildren(children[0] as BaseGroupNode));
    assert.ok(baseLayers.some(([, d]) => d.includes('shared by 3 images')), JSON.stringify(baseLayers));
  });

  it('strata.layers.showMetadataSteps off hides the metadata steps', async () => {
    await vscode.workspace.getConfiguration('strata').update('layers.showMetadataSteps', false, vscode.ConfigurationTarget.Global);
    const children = await api.images.getChildren(await imageNode(api, app));
    assert.deepStrictEqual(
      describeNodes(api, children).map(([, , ctx]) => ctx),
      ['baseGroup', 'baseGroup', 'layer'],
    );
    await vscode.workspace.getConfiguration('strata').update('layers.showMetadataSteps', undefined, vscode.ConfigurationTarget.Global);
  });

  // How fast is measured by `npm run bench` (event latency), not asserted here.
  it('a tag made outside VS Code reaches the view through the engine events, with no refresh asked', async () => {
    const alias = `strata-test/stack-alias:${tag}`;
    // Let refreshes from earlier tests (settings changes) pass first.
    await new Promise((r) => setTimeout(r, 300));
    const refreshed = new Promise<number>((resolve) => {
      const sub = api.images.onDidChangeTreeData(() => {
        sub.dispose();
        resolve(Date.now());
      });
    });
    const started = Date.now();
    await docker.getImage(app).tag({ repo: alias.split(':')[0], tag });
    const at = await Promise.race([refreshed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    assert.ok(at >= started, 'the view was refreshed by the tag event');
    assert.ok((await imageNodes(api)).some((n) => n.reference === alias), 'the new tag is listed');
    const removed = new Promise<void>((resolve) => {
      const sub = api.images.onDidChangeTreeData(() => {
        sub.dispose();
        resolve();
      });
    });
    await docker.getImage(alias).remove();
    await removed;
    assert.ok(!(await imageNodes(api)).some((n) => n.reference === alias), 'the removed tag is gone');
  });
});
