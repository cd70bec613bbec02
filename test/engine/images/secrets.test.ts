/**
 * Secrets left in layers, on a real engine: an image built on the real dockerd with a key
 * and a token COPYed from the build context and a token written by RUN echo, all removed
 * or overwritten by the next step. `strata analyze` (dist/cli.js, as built) names each with
 * the layer that added it and the one that hid it; --ci fails on them unless the rule is
 * turned off; and no value is anywhere: not in the JSON, the text, the errors, nor in the
 * analysis kept on disk. And a real Debian has none.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import Docker from 'dockerode';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { type ImageSecret, imageSecrets } from '../../../src/analysis/imageSecrets';
import { DEBIAN_TEST_IMAGE, debianImage } from '../../harness/fixtures/debianImage';
import { opensshKey, token } from '../../harness/fixtures/fakeSecrets';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { hostEngine } from '../../harness/testEngines';

const CLI = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');

/** Every file under a folder, as text (gzip files unpacked: the cache keeps its entries gzipped). */
function everyFileText(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => {
      const bytes = fs.readFileSync(path.join(d.parentPath ?? d.path, d.name));
      try {
        return zlib.gunzipSync(bytes).toString('latin1');
      } catch {
        return bytes.toString('latin1');
      }
    });
}

/** A secret's tell-tale parts: the whole, and a middle part (a key's body line). */
function partsOf(values: string[]): string[] {
  return values.flatMap((v) => [v, ...v.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'))]);
}

describe('secrets left in layers, on a real engine', function () {
  this.timeout(300_000);
  const docker = new Docker();
  const reference = `strata-test/secrets:${runTag('s')}`;
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-secrets-cache-'));
  const key = opensshKey();
  const github = token.github();
  const npm = token.npm();
  const npmrcLine = `//registry.npmjs.org/:_authToken=${npm}`;
  const values = partsOf([key, github, npm]);

  const strata = (args: string[]) => {
    const r = spawnSync('node', [CLI, ...args], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const noValueIn = (what: string, text: string) => {
    for (const v of values) {
      assert.ok(!text.includes(v), `a secret's value is in ${what}`);
    }
  };

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is built`);
    await buildFixtureImage(docker, reference, {
      steps: [
        'COPY id_ed25519 /root/.ssh/id_ed25519',
        'COPY app.env /app/.env',
        // Written by RUN echo, reversed in the Dockerfile: the history (the config) must not hold it either.
        `RUN echo '${[...npmrcLine].reverse().join('')}' | rev > /root/.npmrc`,
        'RUN rm -rf /root/.ssh /root/.npmrc && echo PORT=8080 > /app/.env',
      ],
      files: { id_ed25519: key, 'app.env': `NODE_ENV=production\nGITHUB_TOKEN=${github}\n` },
    });
  });

  after(async () => {
    fs.rmSync(cache, { recursive: true, force: true });
    await removeFixtureImages(docker);
  });

  it('analyze --json names each secret, the layer and step that added it and the layer that hid it, never its value', () => {
    const r = strata(['analyze', reference, '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    noValueIn('the JSON', r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { layers: unknown[]; secrets: Array<ImageSecret & { name: string }> };
    assert.strictEqual(out.layers.length, 6);
    assert.deepStrictEqual(
      out.secrets.map((s) => [s.kind, s.path, s.line, s.layer, s.hidden]),
      [
        ['private-key', '/root/.ssh/id_ed25519', 1, 2, { layer: 5, how: 'removed' }],
        ['github-token', '/app/.env', 2, 3, { layer: 5, how: 'overwritten' }],
        ['npm-token', '/root/.npmrc', 1, 4, { layer: 5, how: 'removed' }],
      ],
    );
    assert.match(out.secrets[0].createdBy ?? '', /COPY file:[0-9a-f]+ in \/root\/.ssh\/id_ed25519/);
    assert.match(out.secrets[2].createdBy ?? '', /rev > \/root\/.npmrc/);
    assert.ok(out.secrets.every((s) => /^[0-9a-f]{8}$/.test(s.fingerprint)));
    assert.strictEqual(out.secrets[1].name, 'GitHub token');
  });

  it('--ci fails on the secrets (rule secrets), passes with --secrets disabled; the text names them, never a value', () => {
    const ci = strata(['analyze', reference, '--ci']);
    assert.strictEqual(ci.status, 1, ci.stderr);
    noValueIn('the --ci text', ci.stdout + ci.stderr);
    assert.match(ci.stdout, /FAIL: secrets: 3 secrets left in layers, 3 of them hidden by a later layer but still extractable: private key \/root\/.ssh\/id_ed25519 \(layer 3\)/);
    assert.match(ci.stdout, /Secrets left in layers \(anyone who pulls the image can extract them\):\n {2}private key in \/root\/.ssh\/id_ed25519 line 1 \(fingerprint [0-9a-f]{8}\), added by layer 3; removed by layer 6, but still in layer 3\n/);
    // dive's default for the user's wasted share (0.1) is off here: the planted files are that share.
    const off = strata(['analyze', reference, '--ci', '--secrets', 'disabled', '--highest-user-wasted-percent', 'disabled']);
    assert.strictEqual(off.status, 0, off.stdout + off.stderr);
    assert.doesNotMatch(off.stdout, /: secrets:/);
    const bad = strata(['analyze', reference, '--ci', '--secrets', 'maybe']);
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /^strata: --secrets must be true, false or disabled; it is "maybe"\n/);
  });

  it('the reports (SARIF, JUnit, Markdown) and GitHub annotations name each secret and the failed rule, never a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-secret-reports-'));
    try {
      const files = { sarif: path.join(dir, 'r.sarif'), junit: path.join(dir, 'r.xml'), markdown: path.join(dir, 'r.md') };
      const r = spawnSync('node', [CLI, 'analyze', reference, '--ci', '--sarif', files.sarif, '--junit', files.junit, '--markdown', files.markdown], {
        env: { ...process.env, XDG_CACHE_HOME: cache, GITHUB_ACTIONS: 'true' },
        encoding: 'utf8',
      });
      assert.strictEqual(r.status, 1, r.stderr);
      noValueIn('the annotations', r.stdout + r.stderr);
      const sarif = JSON.parse(fs.readFileSync(files.sarif, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }> };
      const results = sarif.runs[0].results;
      assert.strictEqual(results.filter((x) => x.ruleId === 'secret').length, 3, 'one result per secret');
      assert.ok(results.some((x) => x.ruleId === 'secrets'), 'the failed rule');
      assert.ok(results.some((x) => x.ruleId === 'secret' && /private key in \/root\/\.ssh\/id_ed25519/.test(x.message.text)), JSON.stringify(results.map((x) => x.message.text)));
      for (const [what, file] of Object.entries(files)) {
        noValueIn(`the ${what} report`, fs.readFileSync(file, 'utf8'));
      }
      assert.match(r.stdout, /^::error [^\n]*::[^\n]*private key in \/root\/\.ssh\/id_ed25519/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the analysis kept on disk holds the findings but no value, and gives them back without reading the image', () => {
    const files = everyFileText(cache);
    assert.ok(files.length > 0, 'the analysis was kept');
    files.forEach((text, i) => noValueIn(`cache file ${i}`, text));
    assert.ok(files.some((t) => t.includes('"kind":"private-key"')), 'the findings are kept with the layer');
    const again = strata(['analyze', reference, '--json']);
    const out = JSON.parse(again.stdout) as { source: { fromCache: boolean }; secrets: unknown[] };
    assert.deepStrictEqual([out.source.fromCache, out.secrets.length], [true, 3]);
  });

  it('a real Debian (bookworm minbase, about 6,800 files) has none, nor do the real public certificates added to it', async () => {
    await debianImage(docker);
    const analysis = new ImageAnalysis(await readImageArchive(await hostEngine().exportImage(DEBIAN_TEST_IMAGE)));
    assert.ok(analysis.layers[0].entryCount > 5000);
    assert.deepStrictEqual(imageSecrets(analysis), []);
    // Debian's ca-certificates on this machine (minbase has none): each as a .pem, which the reader reads.
    const mozilla = '/usr/share/ca-certificates/mozilla';
    const certs = Object.fromEntries(fs.readdirSync(mozilla).map((f) => [`certs/${f.replace(/\.crt$/, '.pem')}`, fs.readFileSync(path.join(mozilla, f))]));
    assert.ok(Object.keys(certs).length > 100, 'the machine has ca-certificates');
    const withCerts = `strata-test/secrets-certs:${runTag('c')}`;
    await buildFixtureImage(docker, withCerts, { dockerfile: `FROM ${DEBIAN_TEST_IMAGE}\nCOPY certs /etc/ssl/certs\n`, files: certs });
    const certified = new ImageAnalysis(await readImageArchive(await hostEngine().exportImage(withCerts)));
    assert.ok(certified.changesOf(1).filter((c) => c.path.endsWith('.pem')).length > 100);
    assert.deepStrictEqual(imageSecrets(certified), []);
  });
});
