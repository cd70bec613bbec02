/**
 * Packages per layer in a real extension host with the real engine: an image built on the
 * Debian base that installs a .deb with dpkg -i. The Layers panel's analysis carries the
 * packages of each layer and of the image (largest first), the layer's tooltip in the
 * Images tree counts them, and the hover on the Dockerfile's RUN line names them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import type { LayersPanel } from '../../../src/panels/layersPanel';
import type { LayerNode } from '../../../src/views/images/layerNode';
import { DEBIAN_TEST_IMAGE, debianImage } from '../../harness/fixtures/debianImage';
import { buildDeb } from '../../harness/fixtures/debPackages';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { until } from '../../harness/until';
import { activateStrata, imageNode } from '../helpers/treeHelpers';
import { nextPosted } from '../helpers/panelMessages';

/** Markdown as read: appendText's escapes (&nbsp;, backslashes) undone. */
const plain = (markdown: string) => markdown.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');

describe('packages per layer (real extension host)', function () {
  this.timeout(300_000);
  const docker = new Docker();
  const reference = `strata-test/packages-panel:${runTag('pp')}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-pp-'));
  const tiny = buildDeb(tmp, 'strata-tiny', '1.0-1', 300_000);
  const extra = buildDeb(tmp, 'strata-extra', '0.5', 40_000);
  const dockerfile = [`FROM ${DEBIAN_TEST_IMAGE}`, `COPY ${tiny.file} ${extra.file} /tmp/`, `RUN dpkg -i /tmp/${tiny.file} /tmp/${extra.file} && rm /tmp/*.deb`, 'RUN dpkg --purge --force-remove-essential hostname'].join('\n');
  const text = `${dockerfile}\nLABEL ${TEST_LABEL}="${process.pid}"\n`;
  let api: StrataApi;
  let panel: LayersPanel | undefined;
  let uri: vscode.Uri;

  before(async () => {
    await debianImage(docker);
    await buildFixtureImage(docker, reference, { dockerfile, files: { [tiny.file]: tiny.data, [extra.file]: extra.data } });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test workspace is open');
    uri = vscode.Uri.joinPath(folder, 'packages', 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    api = await activateStrata();
    await api.index.list();
  });

  after(async () => {
    panel?.panel.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true }).then(undefined, () => undefined);
    await removeFixtureImages(docker);
  });

  it("the panel's analysis carries each layer's packages and the image's, largest first", async () => {
    panel = await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', await imageNode(api, reference));
    const { analysis } = await nextPosted(api, panel, 'analysis');
    const layers = analysis.packages.layers;
    assert.strictEqual(layers.length, analysis.layers.length);
    assert.ok(layers[0].added.length > 80, `the Debian base installs its packages (${layers[0].added.length})`);
    assert.deepStrictEqual(layers[1], { added: [], removed: [], upgraded: [], problems: [] }, 'the COPY layer installs nothing');
    assert.deepStrictEqual(
      layers[2].added.map((p) => [p.ecosystem, p.name, p.version, p.size]),
      [
        ['deb', 'strata-tiny', '1.0-1', 293 * 1024],
        ['deb', 'strata-extra', '0.5', 40 * 1024],
      ],
      'largest first, with the installed size dpkg records',
    );
    assert.deepStrictEqual(layers[3].removed.map((p) => p.name), ['hostname']);
    const sizes = analysis.packages.installed.map((p) => p.size ?? -1);
    assert.deepStrictEqual(sizes, [...sizes].sort((a, b) => b - a), 'the whole image largest first');
    assert.ok(analysis.packages.installed.some((p) => p.name === 'strata-tiny') && !analysis.packages.installed.some((p) => p.name === 'hostname'));
    // Closed before the Dockerfile is opened below: a webview moved by a new editor has hung headless Chromium here.
    panel.panel.dispose();
    panel = undefined;
  });

  it("a layer's tooltip in the Images tree says how many packages it installed", async () => {
    const node = await imageNode(api, reference);
    await until('the image analysed', () => api.analyses.get(node.imageId), 120_000);
    const children = (await api.images.getChildren(node)) as LayerNode[];
    const run = children.find((c) => c.step?.step.text.startsWith('RUN dpkg -i'));
    assert.ok(run, `the RUN layer is in the tree (${children.map((c) => c.label).join(' | ')})`);
    const tooltip = plain((run.tooltip as vscode.MarkdownString).value);
    assert.match(tooltip, /Packages: installed 2 \(3\d\d kB\), upgraded 0, removed 0/);
  });

  it('the hover on the RUN line lists what its layer installed', async () => {
    await vscode.window.showTextDocument(uri);
    const line = text.split('\n').findIndex((l) => l.startsWith('RUN dpkg -i'));
    const hover = await until(
      'a hover naming the packages',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 3));
        const value = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
        return value.includes('Packages installed') ? plain(value) : undefined;
      },
      60_000,
    );
    assert.match(hover, /\*\*Packages installed: 2\*\*/);
    assert.ok(hover.indexOf('strata-tiny 1.0-1') < hover.indexOf('strata-extra 0.5') && hover.includes('strata-extra 0.5'), hover);
    const purge = text.split('\n').findIndex((l) => l.includes('--purge'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(purge, 3));
    const value = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(plain(value), /\*\*Packages removed: 1\*\*/);
    assert.match(value, /hostname/);
  });
});
