/**
 * Secrets left in layers in a real extension host with the real engine: a workspace
 * Dockerfile whose image COPYs a key and a .env with a token and writes an .npmrc by RUN
 * echo, then removes or overwrites them all. Problems has each on the line that added it,
 * naming the line that hid it, at strata.secrets.severity; the Layers panel's analysis
 * message lists them. No value anywhere: not in a diagnostic, not in any message the panel
 * posts.
 */
import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import type { LayersPanel } from '../../src/panels/layersPanel';
import { opensshKey, token } from '../harness/fixtures/fakeSecrets';
import { TEST_LABEL, buildFixtureImage, busyboxDockerfile, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { until as waitUntil } from '../harness/until';
import { nextPosted } from './helpers/panelMessages';
import { activateStrata, imageNode } from './helpers/treeHelpers';

const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>) => waitUntil(what, probe, 60_000);

describe('secrets left in layers, in a real extension host', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const reference = `strata-test/secrets:${runTag('sx')}`;
  const key = opensshKey();
  const github = token.github();
  const npm = token.npm();
  const npmrcLine = `//registry.npmjs.org/:_authToken=${npm}`;
  const values = [github, npm, ...key.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'))];
  const base = busyboxDockerfile(
    [
      'COPY id_ed25519 /root/.ssh/id_ed25519',
      'COPY app.env /app/.env',
      `RUN echo '${[...npmrcLine].reverse().join('')}' | rev > /root/.npmrc`,
      'RUN rm -rf /root/.ssh /root/.npmrc && echo PORT=8080 > /app/.env',
    ],
    true,
  );
  const text = `${base}\nLABEL ${TEST_LABEL}="${process.pid}"\n`;
  const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
  const posted: unknown[] = [];
  let api: StrataApi;
  let uri: vscode.Uri;
  let panel: LayersPanel | undefined;
  const noValueIn = (what: string, s: string) => values.forEach((v) => assert.ok(!s.includes(v), `a secret's value is in ${what}`));

  before(async () => {
    await buildFixtureImage(docker, reference, { dockerfile: base, files: { id_ed25519: key, 'app.env': `NODE_ENV=production\nGITHUB_TOKEN=${github}\n` } });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test workspace is open');
    uri = vscode.Uri.joinPath(folder, 'secrets', 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    api = await activateStrata();
    api.onDidPostToPanel((p) => posted.push(p.message));
    await api.index.list();
    await vscode.window.showTextDocument(uri);
  });
  after(async () => {
    panel?.panel.dispose();
    await vscode.workspace.getConfiguration('strata').update('secrets.severity', undefined, vscode.ConfigurationTarget.Global);
    if (uri) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true }).then(undefined, () => undefined);
    }
    await removeFixtureImages(docker);
  });

  const secretDiagnostics = () => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'secret-in-layer');

  it('Problems: each secret on the line that added it, naming the line that removed or overwrote it; an error by default', async () => {
    const found = await until('the secrets in Problems', () => (secretDiagnostics().length >= 3 ? secretDiagnostics() : undefined));
    const hider = line('RUN rm -rf') + 1;
    assert.deepStrictEqual(
      found.map((d) => [d.range.start.line, d.severity, d.source, d.message.replace(/fingerprint [0-9a-f]{8}/, 'fingerprint F')]),
      [
        [line('COPY id_ed25519'), vscode.DiagnosticSeverity.Error, 'Strata', `private key in /root/.ssh/id_ed25519 (fingerprint F) is added here; line ${hider} removes it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.`],
        [line('COPY app.env'), vscode.DiagnosticSeverity.Error, 'Strata', `GitHub token in /app/.env (fingerprint F) is added here; line ${hider} overwrites it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.`],
        [line('| rev > /root/.npmrc'), vscode.DiagnosticSeverity.Error, 'Strata', `npm token in /root/.npmrc (fingerprint F) is added here; line ${hider} removes it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.`],
      ],
    );
    noValueIn('Problems', JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message)));
  });

  it('strata.secrets.severity applies at once', async () => {
    await vscode.workspace.getConfiguration('strata').update('secrets.severity', 'warning', vscode.ConfigurationTarget.Global);
    const found = await until('warnings', () => (secretDiagnostics().length === 3 && secretDiagnostics().every((d) => d.severity === vscode.DiagnosticSeverity.Warning) ? true : undefined));
    assert.ok(found);
  });

  it('a secret from the base image: on the FROM line', async () => {
    const baseRef = `strata-test/secrets-base:${runTag('sb')}`;
    const appRef = `strata-test/secrets-app:${runTag('sa')}`;
    await buildFixtureImage(docker, baseRef, { dockerfile: busyboxDockerfile(['COPY id_ed25519 /root/.ssh/id_ed25519'], true), files: { id_ed25519: key } });
    const appBase = `FROM ${baseRef}\nRUN echo hello > /hello.txt`;
    await buildFixtureImage(docker, appRef, { dockerfile: appBase });
    const appUri = vscode.Uri.joinPath(uri, '..', 'app', 'Dockerfile');
    await vscode.workspace.fs.writeFile(appUri, Buffer.from(`${appBase}\nLABEL ${TEST_LABEL}="${process.pid}"\n`));
    await api.index.list();
    await vscode.window.showTextDocument(appUri);
    const [d] = await until('the base image\'s secret in Problems', () => {
      const all = vscode.languages.getDiagnostics(appUri).filter((x) => x.code === 'secret-in-layer');
      return all.length ? all : undefined;
    });
    assert.strictEqual(d.range.start.line, 0);
    assert.match(d.message, /^The base image carries private key in \/root\/.ssh\/id_ed25519 \(fingerprint [0-9a-f]{8}\), added by its layer 4: anyone who pulls this image can extract it\.$/);
    noValueIn('Problems', d.message);
  });

  it('the Layers panel lists them (kind, file, line, layers, fingerprint) and marks nothing with a value', async () => {
    const node = await imageNode(api, reference);
    panel = await vscode.commands.executeCommand<LayersPanel>('strata.image.showLayers', node);
    const { analysis } = await nextPosted(api, panel, 'analysis');
    assert.deepStrictEqual(
      analysis.secrets.map((s) => [s.kind, s.name, s.path, s.line, s.layer, s.hidden]),
      [
        ['private-key', 'private key', '/root/.ssh/id_ed25519', 1, 3, { layer: 6, how: 'removed' }],
        ['github-token', 'GitHub token', '/app/.env', 2, 4, { layer: 6, how: 'overwritten' }],
        ['npm-token', 'npm token', '/root/.npmrc', 1, 5, { layer: 6, how: 'removed' }],
      ],
    );
    assert.ok(analysis.secrets.every((s) => /^[0-9a-f]{8}$/.test(s.fingerprint)));
    noValueIn('the messages the panel posted', JSON.stringify(posted));
  });
});
