/**
 * `strata analyze IMAGE --ci --sarif/--junit/--markdown` (dist/cli.js, as built) on an image
 * built on the real engine from a Dockerfile in a temp folder: a layer adds a big file and
 * a later one removes it, so dive's waste rules fail. The reports are read as their readers
 * read them: SARIF against the official schema, JUnit with an XML parser, Markdown's table
 * rows, GitHub's workflow commands on stdout; each finding on the Dockerfile line written here.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { XMLParser } from 'fast-xml-parser';
import type { Log } from 'sarif';
import { buildFixtureImage, buildWithBuildKit, busyboxDockerfile, fixtureDockerfile, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { sarifErrors } from '../../harness/fixtures/sarif/sarifSchema';

const CLI = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');

const STEPS = ['RUN dd if=/dev/zero of=/big.bin bs=1024 count=2048', 'ENV STAGE=test', 'RUN rm /big.bin'];

describe('strata analyze --ci reports (SARIF, JUnit, Markdown, GitHub annotations) on an image built on the engine', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const reference = `strata-test/reports:${runTag('reports')}`;
  const options = { steps: STEPS, unique: true };
  // The Dockerfile exactly as built (the fixture appends its LABEL), and the lines that matter in it.
  const dockerfile = fixtureDockerfile(options);
  const lineOf = (start: string) => dockerfile.split('\n').findIndex((l) => l.startsWith(start)) + 1;
  const ADDS = lineOf('RUN dd');
  const REMOVES = lineOf('RUN rm');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-reports-cache-'));
  let cwd: string;

  function strata(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
    const r = spawnSync('node', [CLI, 'analyze', reference, ...args], { cwd, env: { ...process.env, XDG_CACHE_HOME: cache, GITHUB_ACTIONS: '', ...env }, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  const sarif = (file = 'out.sarif') => JSON.parse(fs.readFileSync(path.join(cwd, file), 'utf8')) as Log;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is built`);
    assert.ok(ADDS > 0 && REMOVES > ADDS, dockerfile);
    await buildFixtureImage(docker, reference, options);
  });
  beforeEach(() => (cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-reports-cwd-'))));
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));
  after(async () => {
    fs.rmSync(cache, { recursive: true, force: true });
    await removeFixtureImages(docker);
  });

  it('with its Dockerfile in the working folder: exit 1, SARIF valid, the failed rules and the wasted file on the line that added it', () => {
    fs.writeFileSync(path.join(cwd, 'Dockerfile'), dockerfile);
    const r = strata(['--ci', '--sarif', 'out.sarif']);
    assert.strictEqual(r.status, 1, r.stderr);
    const log = sarif();
    assert.strictEqual(sarifErrors(log), '');
    const results = log.runs[0].results ?? [];
    const at = results.map((x) => [x.ruleId, x.level, x.locations?.[0].physicalLocation?.artifactLocation?.uri, x.locations?.[0].physicalLocation?.region?.startLine]);
    assert.deepStrictEqual(at, [
      ['lowestEfficiency', 'error', 'Dockerfile', ADDS],
      ['highestUserWastedPercent', 'error', 'Dockerfile', ADDS],
      ['wastedFile', 'warning', 'Dockerfile', ADDS],
    ]);
    assert.strictEqual(results[2].locations?.[0].physicalLocation?.artifactLocation?.uriBaseId, '%SRCROOT%');
    assert.strictEqual(results[2].relatedLocations?.[0].physicalLocation?.region?.startLine, REMOVES);
    assert.match(results[2].message.text ?? '', new RegExp(`^/big\\.bin \\(2\\.1 MB\\) added at line ${ADDS} is removed at line ${REMOVES}`));
    assert.deepStrictEqual(
      log.runs[0].tool.driver.rules?.map((x) => x.id),
      ['lowestEfficiency', 'highestWastedBytes', 'highestUserWastedPercent', 'maxImageSize', 'maxLayers', 'secrets', 'wastedFile', 'secret'],
    );
  });

  it('--dockerfile PATH elsewhere; without one, located on the image; an unmatched Dockerfile is said and not used', () => {
    fs.mkdirSync(path.join(cwd, 'build'));
    fs.writeFileSync(path.join(cwd, 'build', 'Dockerfile.app'), dockerfile);
    const given = strata(['--ci', '--sarif', 'given.sarif', '--dockerfile', 'build/Dockerfile.app']);
    assert.strictEqual(given.status, 1, given.stderr);
    const first = sarif('given.sarif').runs[0].results?.[0].locations?.[0].physicalLocation;
    assert.deepStrictEqual([first?.artifactLocation?.uri, first?.region?.startLine], ['build/Dockerfile.app', ADDS]);

    const none = strata(['--ci', '--sarif', 'none.sarif']);
    assert.strictEqual(none.status, 1, none.stderr);
    const log = sarif('none.sarif');
    assert.strictEqual(sarifErrors(log), '');
    const loc = log.runs[0].results?.[0].locations?.[0];
    assert.strictEqual(loc?.physicalLocation, undefined);
    // Layer 4 (the run id, busybox, its links, then dd): the layer that added the wasted bytes.
    assert.deepStrictEqual(loc?.logicalLocations?.[0].name, `${reference} layer 4`);

    fs.writeFileSync(path.join(cwd, 'Dockerfile'), busyboxDockerfile(['RUN echo something else', 'RUN echo entirely']));
    const other = strata(['--ci', '--sarif', 'other.sarif']);
    assert.strictEqual(other.status, 1, other.stderr);
    assert.match(other.stderr, /Dockerfile does not match the history of .*: findings are located on the image/);
    assert.strictEqual(sarif('other.sarif').runs[0].results?.[0].locations?.[0].physicalLocation, undefined);
  });

  it('JUnit and Markdown: parsed back, the rules with their verdicts, the wasted file with its lines', () => {
    fs.writeFileSync(path.join(cwd, 'Dockerfile'), dockerfile);
    const r = strata(['--ci', '--junit', 'out.xml', '--markdown', 'out.md', '--max-layers', '99']);
    assert.strictEqual(r.status, 1, r.stderr);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(fs.readFileSync(path.join(cwd, 'out.xml'), 'utf8')) as {
      testsuites: { testsuite: { name: string; tests: string; failures: string; testcase: Array<{ name: string; failure?: { message: string; '#text': string } }> } };
    };
    const suite = xml.testsuites.testsuite;
    assert.deepStrictEqual([suite.name, suite.tests, suite.failures], [reference, '4', '2']);
    assert.deepStrictEqual(
      suite.testcase.map((c) => [c.name, c.failure !== undefined]),
      [['lowestEfficiency', true], ['highestUserWastedPercent', true], ['maxLayers', false], ['secrets', false]],
      'the secrets rule is on by default, and the image holds none',
    );
    assert.match(suite.testcase[0].failure?.['#text'] ?? '', new RegExp(`\\(Dockerfile line ${ADDS}\\)$`));

    const rows = fs
      .readFileSync(path.join(cwd, 'out.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
      .map((l) => l.slice(2, -2).split(/(?<!\\) \| /));
    assert.deepStrictEqual(rows.filter((x) => ['lowestEfficiency', 'highestUserWastedPercent', 'maxLayers'].includes(x[0])).map((x) => x.slice(0, 2)), [
      ['lowestEfficiency', '**fail**'],
      ['highestUserWastedPercent', '**fail**'],
      ['maxLayers', 'pass'],
    ]);
    assert.deepStrictEqual(rows.find((x) => x[1] === '/big.bin'), ['2.1 MB', '/big.bin', `Dockerfile line ${ADDS}`, `Dockerfile line ${REMOVES}`]);
    assert.deepStrictEqual(rows.find((x) => x[0] === 'Layers'), ['Layers', String(STEPS.length + 2)]);
  });

  it('under GITHUB_ACTIONS=true: ::error and ::warning workflow commands on stdout, on the Dockerfile line', () => {
    fs.writeFileSync(path.join(cwd, 'Dockerfile'), dockerfile);
    const r = strata(['--ci'], { GITHUB_ACTIONS: 'true' });
    assert.strictEqual(r.status, 1, r.stderr);
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    assert.deepStrictEqual(
      commands.map((l) => l.slice(0, l.indexOf('::', 2))),
      [
        `::error file=Dockerfile,line=${ADDS},endLine=${ADDS},title=Strata%3A lowestEfficiency`,
        `::error file=Dockerfile,line=${ADDS},endLine=${ADDS},title=Strata%3A highestUserWastedPercent`,
        `::warning file=Dockerfile,line=${ADDS},endLine=${ADDS},title=Strata%3A wastedFile`,
      ],
    );
    assert.match(commands[1], /wasted \d+\.\d\d%25 of the user size/);
    assert.strictEqual(strata(['--ci']).stdout.includes('::error'), false, 'none without GITHUB_ACTIONS');
  });

  it('an image built with BuildKit (its history reads `RUN /bin/sh -c … # buildkit`): the same lines', async () => {
    const built = `${reference}-buildkit`;
    await buildWithBuildKit({ socket: '/var/run/docker.sock' }, docker, built, options);
    fs.writeFileSync(path.join(cwd, 'Dockerfile'), dockerfile);
    const r = spawnSync('node', [CLI, 'analyze', built, '--ci', '--sarif', 'bk.sarif'], { cwd, env: { ...process.env, XDG_CACHE_HOME: cache, GITHUB_ACTIONS: '' }, encoding: 'utf8' });
    assert.strictEqual(r.status, 1, r.stderr);
    const log = sarif('bk.sarif');
    assert.strictEqual(sarifErrors(log), '');
    const results = log.runs[0].results ?? [];
    assert.deepStrictEqual(
      results.map((x) => [x.ruleId, x.locations?.[0].physicalLocation?.region?.startLine, x.relatedLocations?.[0].physicalLocation?.region?.startLine]),
      [['lowestEfficiency', ADDS, undefined], ['highestUserWastedPercent', ADDS, undefined], ['wastedFile', ADDS, REMOVES]],
    );
  });

  it('exit 0 when every rule passes, the reports written all the same; exit 2, one sentence and no report, for bad input', () => {
    const pass = strata(['--ci', '--lowest-efficiency', 'disabled', '--highest-user-wasted-percent', 'disabled', '--sarif', 'pass.sarif', '--junit', 'pass.xml']);
    assert.strictEqual(pass.status, 0, pass.stderr);
    assert.deepStrictEqual(sarif('pass.sarif').runs[0].results?.map((x) => x.ruleId), ['wastedFile']);
    assert.match(fs.readFileSync(path.join(cwd, 'pass.xml'), 'utf8'), /tests="1" failures="0"/, 'the secrets rule alone, passed');

    const noImage = spawnSync('node', [CLI, 'analyze', `${reference}-gone`, '--ci', '--sarif', 'gone.sarif'], { cwd, env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
    assert.strictEqual(noImage.status, 2, noImage.stderr);
    assert.strictEqual(fs.existsSync(path.join(cwd, 'gone.sarif')), false);

    const cases: Array<[string[], RegExp]> = [
      [['--ci', '--dockerfile', 'missing/Dockerfile'], /^strata: the Dockerfile missing\/Dockerfile cannot be read \(no such file\)\n$/],
      [['--ci', '--sarif', 'no/such/folder/out.sarif'], /^strata: the folder of the --sarif report no\/such\/folder\/out\.sarif does not exist\n$/],
      [['--sarif', 'out.sarif'], /^strata: --sarif, --junit, --markdown and --dockerfile apply with --ci\n/],
    ];
    for (const [args, said] of cases) {
      const r = strata(args);
      assert.deepStrictEqual([r.status, r.stdout], [2, ''], args.join(' '));
      assert.match(r.stderr, said);
    }
  });
});
