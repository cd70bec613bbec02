import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import type { ContainerNode } from '../../src/views/containers/containerNode';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { until } from '../harness/until';
import { activateStrata, imageNode } from './helpers/treeHelpers';

/** The text of an Output channel, from the documents VS Code keeps for shown channels. */
function outputChannelText(name: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes(name));
  return doc?.getText();
}

describe('running an image (real extension host)', () => {
  const docker = new Docker();
  const tag = runTag('x');
  const image = `strata-test/run-host:${tag}`;
  let api: StrataApi;
  const started: string[] = [];

  before(async () => {
    await buildFixtureImage(docker, image, {
      steps: ['CMD ["sh", "-c", "echo first line; echo to stderr >&2; echo last line; exit 7"]', 'EXPOSE 8080'],
    });
    api = await activateStrata();
  });

  after(async () => {
    for (const id of started) {
      await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    }
    await removeFixtureImages(docker);
  });

  it('Run on an image node creates and starts the container, and follows it in its own Output channel', async () => {
    const node = await imageNode(api, image);
    const id = await vscode.commands.executeCommand<string | undefined>('strata.image.run', node);
    assert.ok(id, 'the command returned the new container id');
    started.push(id);
    const info = await docker.getContainer(id).inspect();
    assert.strictEqual(info.Config.Image, image);
    assert.deepStrictEqual(Object.keys(info.HostConfig.PortBindings ?? {}), ['8080/tcp']);
    const name = info.Name.replace(/^\//, '');

    const text = await until('the channel to show the exit line', () => {
      const t = outputChannelText(`Strata: ${name}`) ?? outputChannelText(name);
      return t?.includes('— exited with code 7 —') ? t : undefined;
    });
    // stdout and stderr reach the engine through separate pipes: their relative order
    // is the engine's; each stream's own order and the exit line last are Strata's.
    const lines = text.trimEnd().split('\n');
    assert.deepStrictEqual(lines.filter((l) => !l.startsWith('[stderr]')), ['first line', 'last line', '— exited with code 7 —']);
    assert.deepStrictEqual(lines.filter((l) => l.startsWith('[stderr]')), ['[stderr] to stderr']);
  });

  it('the Containers view lists the container with its state', async () => {
    const nodes = (await api.containers.getChildren()) as ContainerNode[];
    const mine = nodes.find((n) => n.container.id === started[0]);
    assert.ok(mine, 'the container is listed');
    assert.strictEqual(mine.contextValue, 'container.stopped');
    assert.match(String(mine.description), new RegExp(`^${image.replace(/[/.]/g, '\\$&')} · Exited \\(7\\)`));
  });

  it('showing the logs again reuses the channel, without following twice', async () => {
    const nodes = (await api.containers.getChildren()) as ContainerNode[];
    const mine = nodes.find((n) => n.container.id === started[0]) as ContainerNode;
    await vscode.commands.executeCommand('strata.container.showLogs', mine);
    await vscode.commands.executeCommand('strata.container.showLogs', mine);
    const docs = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'output' && d.uri.path.includes(mine.container.name));
    assert.strictEqual(docs.length, 1, 'one channel for the container');
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual(docs[0].getText().match(/first line/g)?.length, 1, 'no line repeated');
  });
});
