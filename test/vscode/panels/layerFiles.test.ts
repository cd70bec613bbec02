/**
 * Files of a layer in the editor, in a real extension host against the real engine: the
 * Layers panel's openFile opens a read-only document with the layer's content (the image's
 * version, an earlier layer's, a removed file's), Compare with Previous Version opens a
 * diff of the two versions, a binary file's bytes are the image's, a file over the limit
 * asks first and declining opens nothing, and a second file is read without a new export.
 */
import * as assert from 'assert';
import * as crypto from 'crypto';
import Docker from 'dockerode';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import type { LayersPanel } from '../../../src/panels/layersPanel';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { until } from '../../harness/until';
import { activateStrata, imageNode } from '../helpers/treeHelpers';
import { nextPosted } from '../helpers/panelMessages';

type Window = Record<'showWarningMessage' | 'showInformationMessage', unknown>;

const BINARY = crypto.randomBytes(40_000);

describe('files of a layer in the editor (real extension host)', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const reference = `strata-test/layer-files:${runTag('lf')}`;
  let api: StrataApi;
  let panel: LayersPanel;
  /** Layers in the image; the last six are the steps below, in order. */
  let count = 0;
  let exports = 0;
  const win = vscode.window as unknown as Window;
  const real = { showWarningMessage: win.showWarningMessage, showInformationMessage: win.showInformationMessage };
  const messages: string[] = [];

  function answer(kind: keyof Window, choice: string | undefined): void {
    win[kind] = async (message: string) => {
      messages.push(message);
      return choice;
    };
  }

  /** The panel's webview asks for a file (double-click or Enter on its row), `layer` counted from 1. */
  async function openFromPanel(layer: number, path: string, compare = false): Promise<number> {
    const started = Date.now();
    await panel.channel.receive({ type: 'openFile', layer: layer - 1, path, ...(compare ? { compare } : {}) });
    return Date.now() - started;
  }

  async function activeEditorOn(path: string): Promise<vscode.TextEditor> {
    return until(`an editor on ${path}`, () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'strata-layer' && e.document.uri.path === path ? e : undefined;
    });
  }

  before(async () => {
    await buildFixtureImage(docker, reference, {
      unique: true,
      files: { 'bin.dat': BINARY },
      steps: [
        'RUN mkdir /app && echo one > /app/conf.txt',
        'RUN echo two > /app/conf.txt',
        'COPY bin.dat /app/bin.dat',
        'RUN echo gone > /app/gone.txt',
        'RUN rm /app/gone.txt',
        'RUN head -c 5000 /dev/zero | tr "\\0" a > /app/big.txt',
      ],
    });
    api = await activateStrata();
    // Every export the extension asks of the engine, counted where it is asked.
    const engine = api.active.engine;
    const exportImage = engine.exportImage.bind(engine);
    engine.exportImage = (...args: Parameters<typeof exportImage>) => {
      exports++;
      return exportImage(...args);
    };
    panel = (await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', await imageNode(api, reference))) as LayersPanel;
    count = (await nextPosted(api, panel, 'analysis')).analysis.layers.length;
  });

  after(async () => {
    Object.assign(win, real);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    panel?.panel.dispose();
    await removeFixtureImages(docker);
  });

  it("opens the image's version read-only; another layer's version of a second file reads no export", async () => {
    const before = exports;
    const first = await openFromPanel(count, 'app/conf.txt');
    const editor = await activeEditorOn('/app/conf.txt');
    assert.strictEqual(editor.document.getText(), 'two\n');
    assert.strictEqual(new URLSearchParams(editor.document.uri.query).get('layer'), String(count - 4), 'named by the layer that wrote it');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, Buffer.from('changed'))));
    assert.ok(exports - before <= 1, `at most one export for the first file (${exports - before})`);
    const afterFirst = exports;
    const second = await openFromPanel(count - 5, 'app/conf.txt');
    const older = await activeEditorOn('/app/conf.txt');
    assert.strictEqual(older.document.getText(), 'one\n');
    assert.strictEqual(exports, afterFirst, 'the second file is read from the layers kept, not a new export');
    // Another file of the image, read by the file system alone (what VS Code asks when it opens one).
    const started = Date.now();
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.from({ scheme: 'strata-layer', path: '/app/bin.dat', query: `image=${encodeURIComponent(panel.state.key)}&layer=${count}` }));
    const read = Date.now() - started;
    assert.ok(Buffer.from(bytes).equals(BINARY));
    assert.strictEqual(exports, afterFirst);
    // Strata's own part of a file of an image analysed before: looked up and read from the layer kept on disk.
    const own = Date.now();
    const { image, found } = await api.layerImages.find({ image: panel.state.key, layer: count - 2, path: 'app/gone.txt' });
    assert.strictEqual((await api.layerImages.read(image, found)).toString(), 'gone\n');
    const strata = Date.now() - own;
    assert.strictEqual(exports, afterFirst);
    Mocha.reporters.Base.consoleLog(
      `      (first file opened in ${first} ms, the second in ${second} ms with its editor; another read through workspace.fs in ${read} ms, Strata's own part ${strata} ms)`,
    );
  });

  it('a removed file opens as the layer that wrote it had it', async () => {
    await openFromPanel(count - 1, 'app/gone.txt');
    const editor = await activeEditorOn('/app/gone.txt');
    assert.strictEqual(editor.document.getText(), 'gone\n');
    assert.strictEqual(new URLSearchParams(editor.document.uri.query).get('layer'), String(count - 2));
  });

  it('Compare with Previous Version opens a diff of the layer before and this one', async () => {
    await openFromPanel(count - 4, 'app/conf.txt', true);
    const input = await until('a diff editor', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff && i.modified.path === '/app/conf.txt' ? i : undefined;
    });
    assert.deepStrictEqual(
      [input.original, input.modified].map((u) => new URLSearchParams(u.query).get('layer')),
      [String(count - 5), String(count - 4)],
    );
    assert.strictEqual((await vscode.workspace.openTextDocument(input.original)).getText(), 'one\n');
    assert.strictEqual((await vscode.workspace.openTextDocument(input.modified)).getText(), 'two\n');
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', new RegExp(`conf\\.txt \\(layer ${count - 5} ↔ layer ${count - 4} of `));
    // A file its layer added new has no previous version: said, nothing opened.
    answer('showInformationMessage', undefined);
    await vscode.commands.executeCommand('strata.layerFile.compareWithPrevious', { image: panel.state.key, name: reference, layer: count - 2, path: 'app/gone.txt' });
    assert.match(messages.at(-1) ?? '', new RegExp(`^Layer ${count - 2} added /app/gone\\.txt: no layer below wrote it`));
  });

  it("a binary file's bytes are the image's", async () => {
    await openFromPanel(count, 'app/bin.dat');
    const uri = await until('the binary file in a tab', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
      return i?.uri?.scheme === 'strata-layer' && i.uri.path === '/app/bin.dat' ? i.uri : undefined;
    });
    assert.ok(Buffer.from(await vscode.workspace.fs.readFile(uri)).equals(BINARY));
  });

  it('a file over strata.files.openLimit asks first; declined, nothing opens', async () => {
    await vscode.workspace.getConfiguration('strata').update('files.openLimit', 1000, vscode.ConfigurationTarget.Global);
    try {
      answer('showWarningMessage', undefined);
      const target = { image: panel.state.key, name: reference, layer: count, path: 'app/big.txt' };
      assert.strictEqual(await vscode.commands.executeCommand('strata.layerFile.open', target), undefined);
      assert.match(messages.at(-1) ?? '', /^\/app\/big\.txt is 5 kB, over the 1 kB set in strata\.files\.openLimit\. Open it anyway\?$/);
      assert.ok(!vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => (t.input as { uri?: vscode.Uri })?.uri?.path === '/app/big.txt')), 'nothing opened when declined');
      answer('showWarningMessage', 'Open');
      await openFromPanel(count, 'app/big.txt');
      const editor = await activeEditorOn('/app/big.txt');
      assert.strictEqual(editor.document.getText(), 'a'.repeat(5000));
    } finally {
      await vscode.workspace.getConfiguration('strata').update('files.openLimit', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
