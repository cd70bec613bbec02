/**
 * Comparing two images in a real extension host, against the host's engine: the commands
 * open a Compare panel for two real images built from one base; the host posts the shared
 * band and the differences the builds made, and answers the webview's requests (errors
 * included); Select for Compare + Compare with Selected; Compare with Previous Build finds
 * the image a rebuilt tag named before.
 */
import { until } from '../../harness/until';
import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension';
import { ComparePanel } from '../../../src/panels/comparePanel';
import type { LayersPanel } from '../../../src/panels/layersPanel';
import type { CompareRow } from '../../../src/protocol/compareProtocol';
import type { ImageNode } from '../../../src/views/images/imageNode';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { activateStrata, imageNode, imageNodes } from '../helpers/treeHelpers';
import { ask, nextPosted } from '../helpers/panelMessages';


/** Asks the host for a folder of the difference tree as the webview does, and returns its answer. */
function askFolder(api: StrataApi, panel: ComparePanel, requestId: number, path: string, extra: Record<string, unknown> = {}): Promise<{ rows: CompareRow[]; error?: string }> {
  return ask<CompareRow>(api, panel, { type: 'listChildren', requestId, path, sort: 'delta', filter: '', kinds: ['added', 'removed', 'modified'], ...extra });
}

const summarise = (rows: CompareRow[]) => rows.map((r) => [r.name, r.change, (r.reasons ?? []).join('+'), r.delta ?? 0]);

describe('comparing two images (real extension host)', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const tag = runTag('cmp');
  const base = `strata-test/cmp-base:${tag}`;
  const a = `strata-test/cmp-a:${tag}`;
  const b = `strata-test/cmp-b:${tag}`;
  const rebuilt = `strata-test/cmp-rebuilt:${tag}`;
  let api: StrataApi;
  let baseLayers: number;
  let previousId: string;
  let rebuiltId: string;
  const panels: ComparePanel[] = [];
  const realQuickPick = vscode.window.showQuickPick;

  /** The QuickPicks answer with the items labelled so, in turn. */
  function answerQuickPicks(...labels: string[]): void {
    const answers = [...labels];
    (vscode.window as { showQuickPick: unknown }).showQuickPick = async (items: Array<vscode.QuickPickItem> | Thenable<Array<vscode.QuickPickItem>>) => {
      const label = answers.shift();
      const list = await items;
      const item = list.find((i) => i.label === label);
      assert.ok(item, `the QuickPick offers ${label} (it offers ${list.map((i) => i.label).join(', ')})`);
      return item;
    };
  }

  before(async () => {
    await buildFixtureImage(docker, base, { unique: true, steps: ['RUN head -c 100000 /dev/urandom > /base.bin'] });
    baseLayers = (await docker.getImage(base).inspect()).RootFS.Layers?.length ?? 0;
    await buildFixtureImage(docker, a, {
      dockerfile: [`FROM ${base}`, 'RUN mkdir /app && echo one > /app/same-size && echo old > /app/old.txt && head -c 3000 /dev/zero > /app/shrinks.bin'].join('\n'),
    });
    await buildFixtureImage(docker, b, {
      dockerfile: [`FROM ${base}`, 'RUN mkdir /app && echo two > /app/same-size && echo new > /app/new.txt && head -c 10 /dev/zero > /app/shrinks.bin'].join('\n'),
    });
    // A tag built, then built again with a change: the first build stays, untagged.
    const version = (v: string) => [`FROM ${base}`, 'RUN echo rebuilt > /name.txt', `RUN echo ${v} > /version.txt${v === 'v2' ? ' && echo more > /more.txt' : ''}`].join('\n');
    previousId = await buildFixtureImage(docker, rebuilt, { dockerfile: version('v1') });
    rebuiltId = await buildFixtureImage(docker, rebuilt, { dockerfile: version('v2') });
    assert.notStrictEqual(previousId, rebuiltId);
    api = await activateStrata();
  });

  afterEach(() => {
    (vscode.window as { showQuickPick: unknown }).showQuickPick = realQuickPick;
  });

  after(async () => {
    for (const p of panels) {
      p.panel.dispose();
    }
    await removeFixtureImages(docker);
  });

  it('Compare with… on an image and a picked one opens the panel: the shared band, then both read from one export and their differences', async () => {
    answerQuickPicks(b);
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWith', await imageNode(api, a));
    assert.ok(panel, 'the command returned the panel');
    panels.push(panel);
    assert.strictEqual(panel.panel.viewType, 'strata.compare');
    assert.strictEqual(panel.panel.title, `Compare: ${a} ↔ ${b}`);
    const init = await nextPosted(api, panel, 'init');
    assert.strictEqual(init.a.title, a);
    assert.strictEqual(init.b.title, b);
    assert.strictEqual(init.sharedLayers, baseLayers, 'the base\'s layers are one band, known from the engine before any export is read');
    assert.strictEqual(baseLayers, 4);
    const ownA = init.a.steps.filter((s) => s.layerIndex !== undefined && s.layerIndex >= init.sharedLayers).map((s) => s.text);
    assert.deepStrictEqual(ownA, ['RUN mkdir /app && echo one > /app/same-size && echo old > /app/old.txt && head -c 3000 /dev/zero > /app/shrinks.bin']);

    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.strictEqual(comparison.sharedLayers, 4);
    assert.deepStrictEqual([comparison.summary.a.layers, comparison.summary.b.layers, comparison.summary.shared.layers], [5, 5, 4]);
    assert.deepStrictEqual([comparison.summary.onlyA.layers, comparison.summary.onlyB.layers], [1, 1]);
    assert.ok(comparison.summary.shared.size >= 100_000, `the base's bytes are shared (${comparison.summary.shared.size})`);
    assert.strictEqual(comparison.summary.a.size, comparison.summary.shared.size + comparison.summary.onlyA.size);
    assert.ok(api.analyses.get(init.a.id) && api.analyses.get(init.b.id), 'both analyses are kept (one export of both)');

    // The top of the tree: /app, its change summed (sorted by size change).
    const top = await askFolder(api, panel, 1, '');
    const app = top.rows.find((r) => r.path === 'app');
    assert.ok(app, `app is among the differences (${top.rows.map((r) => r.path).join(', ')})`);
    assert.strictEqual(app.delta, 4 + 0 - 4 - 2990, 'new.txt + same-size − old.txt + shrinks.bin');
    const inApp = await askFolder(api, panel, 2, 'app');
    assert.deepStrictEqual(summarise(inApp.rows), [
      ['shrinks.bin', 'modified', 'size', -2990],
      ['new.txt', 'added', '', 4],
      ['old.txt', 'removed', '', -4],
      ['same-size', 'modified', 'content', 0],
    ]);
    const shrinks = inApp.rows[0];
    assert.deepStrictEqual([shrinks.sizeA, shrinks.sizeB], [3000, 10]);
  });

  it("a modified file opens as a diff of the two images' versions (issue 18)", async () => {
    const panel = panels[0];
    await panel.channel.receive({ type: 'openFile', path: 'app/same-size' });
    const input = await until('a diff editor of /app/same-size', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff && i.modified.path === '/app/same-size' ? i : undefined;
    });
    assert.strictEqual((await vscode.workspace.openTextDocument(input.original)).getText(), 'one\n', "A's version on the left");
    assert.strictEqual((await vscode.workspace.openTextDocument(input.modified)).getText(), 'two\n', "B's on the right");
    assert.deepStrictEqual([input.original, input.modified].map((u) => new URLSearchParams(u.query).get('layer')), ['5', '5']);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the comparison message carries what changed besides files: the configuration (ENV, USER, EXPOSE, LABEL, CMD), and whether packages were read', async () => {
    const cfgA = `strata-test/cmp-cfg-a:${tag}`;
    const cfgB = `strata-test/cmp-cfg-b:${tag}`;
    await buildFixtureImage(docker, cfgA, { dockerfile: [`FROM ${base}`, 'ENV MODE=dev', 'LABEL version=1', 'CMD ["sh"]'].join('\n') });
    await buildFixtureImage(docker, cfgB, { dockerfile: [`FROM ${base}`, 'ENV MODE=prod', 'USER nobody', 'EXPOSE 8080', 'LABEL version=2', 'CMD ["sh", "-c", "serve"]'].join('\n') });
    answerQuickPicks(cfgB);
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWith', await imageNode(api, cfgA));
    assert.ok(panel);
    panels.push(panel);
    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.deepStrictEqual(comparison.semantic.config, [
      { field: 'env', key: 'MODE', a: 'dev', b: 'prod' },
      { field: 'user', b: 'nobody' },
      { field: 'exposedPorts', key: '8080/tcp', b: 'exposed' },
      { field: 'cmd', a: '["sh"]', b: '["sh","-c","serve"]' },
      { field: 'labels', key: 'version', a: '1', b: '2' },
    ]);
    assert.deepStrictEqual(comparison.semantic.packagesRead, { a: false, b: false }, 'busybox images have no package database');
    assert.deepStrictEqual(comparison.semantic.packages, { added: [], removed: [], upgraded: [] });
  });

  it('an image shown in the Layers panel first, compared with one built on it: the packages of the layers they share count on both sides', async () => {
    const pkgA = `strata-test/cmp-pkg-a:${tag}`;
    const pkgB = `strata-test/cmp-pkg-b:${tag}`;
    const status = ['Package: libfoo', 'Status: install ok installed', 'Version: 1.2-3', 'Architecture: amd64', 'Installed-Size: 40', ''].join('\\n');
    await buildFixtureImage(docker, pkgA, { unique: true, steps: [`RUN mkdir -p /var/lib/dpkg && printf '${status}' > /var/lib/dpkg/status`] });
    await buildFixtureImage(docker, pkgB, { dockerfile: [`FROM ${pkgA}`, 'RUN echo app > /app.txt'].join('\n') });
    // A user's order: A in the Layers panel, then compared. (This engine's exports name layers by id, so B's
    // shared layers are read again here; the reuse from memory is tested on Engine 28 in test/engine/images/compare.test.ts.)
    const layers = await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', await imageNode(api, pkgA));
    const { analysis } = await nextPosted(api, layers, 'analysis');
    assert.deepStrictEqual(analysis.packages.installed.map((p) => p.name), ['libfoo']);
    layers.panel.dispose();
    answerQuickPicks(pkgB);
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWith', await imageNode(api, pkgA));
    assert.ok(panel);
    panels.push(panel);
    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.deepStrictEqual(comparison.semantic.packagesRead, { a: true, b: true });
    assert.deepStrictEqual(comparison.semantic.packages, { added: [], removed: [], upgraded: [] }, 'B has what A has');
  });

  it('every request is answered: a filter, the kinds shown, and errors as sentences', async () => {
    const panel = panels[0];
    const filtered = await askFolder(api, panel, 10, 'app', { filter: 'old' });
    assert.deepStrictEqual(summarise(filtered.rows), [['old.txt', 'removed', '', -4]]);
    const added = await askFolder(api, panel, 11, 'app', { kinds: ['added'] });
    assert.deepStrictEqual(added.rows.map((r) => r.name), ['new.txt']);
    const missing = await askFolder(api, panel, 12, 'no/such/folder');
    assert.deepStrictEqual(missing.rows, []);
    assert.match(missing.error ?? '', /\/no\/such\/folder is not among the differences/);
    const badSort = await askFolder(api, panel, 13, '', { sort: 'colour' });
    assert.match(badSort.error ?? '', /"colour" is not a way to sort/);
  });

  it('Strata: Compare Images… asks for both; the other way round, the differences read the other way', async () => {
    answerQuickPicks(b, a);
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.compareImages');
    assert.ok(panel);
    panels.push(panel);
    assert.notStrictEqual(panel, panels[0], 'B ↔ A is another panel than A ↔ B');
    await nextPosted(api, panel, 'comparison');
    const inApp = await askFolder(api, panel, 1, 'app');
    assert.deepStrictEqual(summarise(inApp.rows), [
      ['shrinks.bin', 'modified', 'size', 2990],
      ['new.txt', 'removed', '', -4],
      ['old.txt', 'added', '', 4],
      ['same-size', 'modified', 'content', 0],
    ]);
  });

  it('Select for Compare, then Compare with Selected on another image, compares the two (the selected one is A)', async () => {
    const selected = await vscode.commands.executeCommand<{ id: string; title: string }>('strata.image.selectForCompare', await imageNode(api, a));
    assert.strictEqual(selected?.title, a);
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWithSelected', await imageNode(api, b));
    assert.ok(panel);
    assert.strictEqual(panel, panels[0], 'the A ↔ B panel is shown again');
    assert.strictEqual(panel.state.key, ComparePanel.keyOf(panel.state.a.id, panel.state.b.id));
    assert.strictEqual(panel.state.a.title, a);
    // With itself: nothing to compare; the command fails with a sentence, opening nothing.
    const itself = await vscode.commands.executeCommand<ComparePanel | undefined>('strata.image.compareWithSelected', await imageNode(api, a));
    assert.strictEqual(itself, undefined);
  });

  it('Compare with Previous Build: the rebuilt tag offers it (and only it), and compares the image it named before with it', async () => {
    const previous = await api.previousBuilds.find();
    assert.strictEqual(previous.get(rebuiltId), previousId, 'the untagged first build is the previous build of the tag');
    for (const other of [a, b, base]) {
      const id = (await docker.getImage(other).inspect()).Id;
      assert.ok(!previous.has(id), `${other} has no previous build`);
    }
    // The Images view marks the node so that the menu item shows (when the finder is done).
    const node = await until('the rebuilt image\'s node to offer its previous build', async () => {
      const n = (await imageNodes(api)).find((x) => x.reference === rebuilt);
      return n?.contextValue === 'image.previousBuild' ? n : undefined;
    });
    assert.strictEqual((await imageNode(api, a)).contextValue, 'image');

    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWithPrevious', node as ImageNode);
    assert.ok(panel);
    panels.push(panel);
    assert.strictEqual(panel.state.a.id, previousId, 'A is the build before');
    assert.strictEqual(panel.state.b.id, rebuiltId);
    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.strictEqual(comparison.sharedLayers, baseLayers + 1, 'the base and the cached first RUN are shared');
    const top = await askFolder(api, panel, 1, '');
    const mine = top.rows.filter((r) => ['version.txt', 'more.txt'].includes(r.path));
    assert.deepStrictEqual(summarise(mine).sort(), [
      ['more.txt', 'added', '', 5],
      ['version.txt', 'modified', 'content', 0],
    ]);
  });
});
