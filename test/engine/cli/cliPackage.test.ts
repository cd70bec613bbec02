/**
 * The CLI's npm package (npm run package:cli) installed as a user installs it, offline into
 * a prefix of its own, and run from there and from a folder outside the repository: its
 * help, its version, and analyses of an archive and of an image on the host's engine.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { type PushedImage, pushFixtureImage, registryAddress, registryCredentials } from '../../harness/fixtures/registryFixtures';
import { fixturePath } from '../../harness/fixtures/sharedFixtures';
import { fixtureClient, testEngine } from '../../harness/testEngines';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TGZ = path.join(ROOT, 'dist', 'strata-cli.tgz');
const FILES = ['LICENSE', 'README.md', 'THIRD-PARTY-NOTICES.md', 'package.json', 'strata.js'];

describe('the CLI as an npm package (strata-cli.tgz installed offline, run outside the repository)', function () {
  this.timeout(300_000);
  const host = testEngine('host');
  const docker = fixtureClient(host);
  const reference = `strata-test/cli-package:${runTag('pkg')}`;
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-prefix-'));
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-elsewhere-'));
  const bin = path.join(prefix, 'bin', 'strata');
  // Only the installed bin and node on PATH; a cache of its own, so each analysis reads the image.
  const env = {
    PATH: [path.dirname(bin), path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: elsewhere,
    XDG_CACHE_HOME: path.join(elsewhere, 'cache'),
    DOCKER_HOST: host.dockerHost,
    DOCKER_CONFIG: path.join(elsewhere, 'docker'),
  };
  const strata = (...args: string[]) => {
    const r = spawnSync(bin, args, { cwd: elsewhere, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  let pushed: PushedImage;

  before(async () => {
    execFileSync('node', [path.join(ROOT, 'src', 'cli', 'package', 'pack.js')], { cwd: ROOT, stdio: 'pipe' });
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, TGZ], { cwd: elsewhere, stdio: 'pipe' });
    await buildFixtureImage(docker, reference, { steps: ['RUN echo one > /one.txt', 'RUN echo two > /two.txt'] });
    pushed = await pushFixtureImage('auth', 'strata-test/cli-package', runTag('pkg'));
  });
  after(async () => {
    await removeFixtureImages(docker);
    fs.rmSync(prefix, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  it('the package holds exactly its files: one bundle, no dependencies, bin strata, Node 20+', () => {
    const listed = execFileSync('tar', ['tzf', TGZ], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    assert.deepStrictEqual(listed.sort(), FILES);
    const dry = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', path.join(ROOT, 'dist', 'cli-package')], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
    assert.deepStrictEqual(dry[0].files.map((f) => f.path).sort(), FILES);
    const installed = path.join(prefix, 'lib', 'node_modules', 'strata-cli');
    assert.deepStrictEqual(fs.readdirSync(installed).sort(), FILES, 'nothing installed beside it (no node_modules)');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepStrictEqual(
      [manifest.name, manifest.version, manifest.bin, manifest.dependencies, manifest.engines, manifest.license],
      ['strata-cli', own.version, { strata: 'strata.js' }, {}, { node: '>=20' }, 'MIT'],
    );
    assert.match(fs.readFileSync(path.join(installed, 'strata.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.match(fs.readFileSync(path.join(installed, 'THIRD-PARTY-NOTICES.md'), 'utf8'), /## dockerode [\d.]+ \(Apache-2\.0\)/);
  });

  it('strata --version is the package\'s; --help and COMMAND --help for every command', () => {
    const version = strata('--version');
    assert.deepStrictEqual([version.status, version.stdout], [0, `${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`]);
    const help = strata('--help');
    assert.strictEqual(help.status, 0, help.stderr);
    for (const command of ['images', 'analyze', 'diff', 'engines', 'cache']) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'), `--help names ${command}`);
      const own = strata(command, '--help');
      assert.strictEqual(own.status, 0, own.stderr);
      assert.match(own.stdout, new RegExp(`^usage: strata ${command}`), command);
    }
    assert.match(strata('analyze', '--help').stdout, /--ci-config PATH[\s\S]*--max-layers N/);
  });

  it('analyze an archive: dive\'s own figures for dive\'s test image', () => {
    const r = strata('analyze', fixturePath('dive', 'test-docker-image.tar'), '--json');
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { efficiency: number; wastedBytes: number; layers: unknown[]; source: { fromCache?: boolean } };
    assert.deepStrictEqual([out.efficiency, out.wastedBytes, out.layers.length, out.source.fromCache], [0.9844212134184309, 32025, 14, false]);
  });

  it('analyze an image on the engine, gated with --ci and a rules file in the working folder', () => {
    fs.writeFileSync(path.join(elsewhere, '.strata-ci.yaml'), 'rules:\n  maxLayers: 3\n  highestUserWastedPercent: disabled\n');
    try {
      const r = strata('analyze', reference, '--ci');
      assert.strictEqual(r.status, 1, r.stderr);
      assert.match(r.stdout, /CI rules \(from \.strata-ci\.yaml/);
      assert.match(r.stdout, /FAIL: maxLayers: 4 layers \(most allowed 3\)/);
      assert.strictEqual(strata('analyze', reference, '--ci', '--max-layers', '4').status, 0);
    } finally {
      fs.rmSync(path.join(elsewhere, '.strata-ci.yaml'));
    }
  });

  it('gate a registry image with no engine at all, logged in by a config.json written by hand (README, "Strata in CI")', () => {
    const { username, password } = registryCredentials('auth') ?? assert.fail('the auth registry has credentials');
    const config = path.join(elsewhere, 'ci-docker');
    fs.mkdirSync(config, { recursive: true });
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [registryAddress('auth')]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
    const noEngine = { DOCKER_CONFIG: config, DOCKER_HOST: `unix://${path.join(elsewhere, 'no-engine.sock')}` };
    const run = (...args: string[]) => spawnSync(bin, args, { cwd: elsewhere, env: { ...env, ...noEngine }, encoding: 'utf8' });
    const pass = run('analyze', pushed.url, '--ci');
    assert.strictEqual(pass.status, 0, pass.stderr);
    assert.match(pass.stdout, /PASS: lowestEfficiency/);
    const fail = run('analyze', pushed.url, '--ci', '--max-layers', '2');
    assert.strictEqual(fail.status, 1, fail.stderr);
    assert.match(fail.stdout, /FAIL: maxLayers: 3 layers \(most allowed 2\)/);
  });
});
