/**
 * A workspace Dockerfile next to the image built from it, in a real extension host with
 * the real engine: lenses with each layer's size, files and waste, "no layer" for the
 * others, a hover with the largest files, a wasted-space diagnostic naming the line that
 * removes the space, lenses saying "changed" after an edit, and all of it gone with the image.
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import { TEST_LABEL, buildFixtureImage, busyboxDockerfile, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { activateStrata } from './helpers/treeHelpers';
import { until as waitUntil } from '../harness/until';

/** Lenses wait for an export and an analysis: a longer wait than elsewhere. */
const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>) => waitUntil(what, probe, 60_000);

describe('Dockerfile lenses, hover and diagnostics in a real extension host', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const reference = `strata-test/dockerfile:${runTag('df')}`;
  const steps = ['RUN mkdir -p /srv && head -c 2000000 /dev/urandom > /srv/big.bin', 'RUN echo kept > /kept.txt && rm /srv/big.bin', 'ENV MODE=test', 'CMD ["sh"]'];
  const base = busyboxDockerfile(steps, true);
  const text = `${base}\nLABEL ${TEST_LABEL}="${process.pid}"\n`;
  let api: StrataApi;
  let uri: vscode.Uri;
  const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

  before(async () => {
    await vscode.workspace.getConfiguration('strata').update('dockerfile.wasteThreshold', 1_000_000, vscode.ConfigurationTarget.Global);
    // As CI pipelines build: labels given with --label, which the legacy builder records as steps after the last line.
    await buildFixtureImage(docker, reference, { dockerfile: base, labels: { 'org.opencontainers.image.revision': '0123abc', 'org.opencontainers.image.source': 'https://example.test/app' } });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test workspace is open');
    uri = vscode.Uri.joinPath(folder, 'app', 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    api = await activateStrata();
    await api.index.list();
    await vscode.window.showTextDocument(uri);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('strata').update('dockerfile.wasteThreshold', undefined, vscode.ConfigurationTarget.Global);
    if (uri) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true }).then(undefined, () => undefined);
    }
    await removeFixtureImages(docker);
  });

  const lenses = async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).map((l) => [l.range.start.line, l.command?.title ?? '']);

  it('lenses: each layer its size, files and waste (from the analysis), "no layer" for settings, the image on FROM', async () => {
    const shown = await until('the lenses with numbers', async () => {
      const all = await lenses();
      return all.some(([l, t]) => l === line('head -c') && /files? ·/.test(String(t))) ? all : undefined;
    });
    const at = (n: number) => shown.filter(([l]) => l === n).map(([, t]) => String(t));
    assert.match(at(line('head -c'))[0], /^2 MB · 1 file · 2 MB wasted$/);
    assert.match(at(line('rm /srv/big.bin'))[0], /^\d+ B · 1 file · 1 removed · 0 B wasted$/);
    assert.deepStrictEqual(at(line('ENV MODE')), ["no layer: changes only the image's settings"]);
    assert.match(at(line('FROM scratch'))[0], new RegExp(`^${reference.replace(/[/.]/g, '\\$&')} · built `));
  });

  it('a diagnostic on the line that adds the space, naming the line that removes it', async () => {
    const [d] = await until('the diagnostic', () => {
      const all = vscode.languages.getDiagnostics(uri);
      return all.length ? all : undefined;
    });
    assert.strictEqual(d.range.start.line, line('head -c'));
    assert.strictEqual(d.message, `/srv/big.bin (2 MB) added here is removed at line ${line('rm /srv/big.bin') + 1}, but stays in the image: remove it in the same RUN.`);
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(d.source, 'Strata');
  });

  it('findings under the threshold: not in Problems, and the lens says so', async () => {
    await vscode.workspace.getConfiguration('strata').update('dockerfile.wasteThreshold', 3_000_000, vscode.ConfigurationTarget.Global);
    try {
      const shown = await until('the lens to name the threshold', async () => {
        const all = await lenses();
        return all.some(([l, t]) => l === line('head -c') && /not in Problems/.test(String(t))) ? all : undefined;
      });
      assert.deepStrictEqual(
        shown.filter(([l]) => l === line('head -c')).map(([, t]) => t),
        ['2 MB · 1 file · 2 MB wasted (findings under 3 MB are not in Problems)'],
      );
      await until('no diagnostic', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
    } finally {
      await vscode.workspace.getConfiguration('strata').update('dockerfile.wasteThreshold', 1_000_000, vscode.ConfigurationTarget.Global);
    }
    await until('the diagnostic again', () => (vscode.languages.getDiagnostics(uri).length === 1 ? true : undefined));
  });

  it('a hover on a layer line lists its largest files', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line('head -c'), 3));
    const textOf = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(textOf, /\/srv\/big\.bin/);
  });

  it('an edit: from the changed line on, the lenses say the file changed since the build', async () => {
    const editor = await vscode.window.showTextDocument(uri);
    const n = line('rm /srv/big.bin');
    await editor.edit((e) => e.insert(new vscode.Position(n, editor.document.lineAt(n).text.length), ' && true'));
    const shown = await until('the changed lenses', async () => {
      const all = await lenses();
      return all.some(([l, t]) => l === n && /^changed since/.test(String(t))) ? all : undefined;
    });
    assert.ok(shown.some(([l, t]) => l === line('head -c') && /wasted/.test(String(t))), 'the lines before keep their numbers');
    assert.ok(shown.filter(([l]) => Number(l) > n).every(([, t]) => /^changed since/.test(String(t))));
    assert.ok(shown.some(([l, t]) => l === line('FROM scratch') && String(t).endsWith(`this file changed from line ${n + 1} on`)), 'the FROM lens names the first changed line');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('the image removed: the diagnostics and lenses go', async () => {
    await removeFixtureImages(docker);
    await until('the diagnostics to go', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
    await until('the lenses to go', async () => ((await lenses()).length === 0 ? true : undefined));
    assert.ok(path.basename(uri.fsPath) === 'Dockerfile');
  });
});
