/**
 * `strata analyze --ci` with rules files (dist/cli.js, as built), on dive's test archive
 * (efficiency 0.98442, 32025 wasted bytes, 48.35 % of the user size, 1220598 bytes, 14
 * layers): dive's documented .dive-ci files give the verdict dive's rules give, and the
 * same as the same rules as flags; Strata's keys; mistakes; flags over files.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixturePath } from '../../harness/fixtures/sharedFixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const DIVE_FILES = path.join(ROOT, 'test', 'harness', 'fixtures', 'dive-ci');

interface Verdict {
  status: number;
  /** The size and waste rules, in order (the secrets rule apart: dive's files know nothing of it). */
  rules: Array<[string, boolean]>;
  /** The secrets rule's verdict, undefined when it was not judged. */
  secrets?: boolean;
  thresholds: Record<string, unknown>;
  rulesFile: string | null;
  stderr: string;
}

describe('strata analyze --ci with rules files (.dive-ci, .strata-ci.yaml) on dive\'s test archive', function () {
  this.timeout(120_000);
  const archive = fixturePath('dive', 'test-docker-image.tar');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rules-cache-'));
  let cwd: string;
  beforeEach(() => (cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rules-cwd-'))));
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));
  after(() => fs.rmSync(cache, { recursive: true, force: true }));

  /** Runs analyze --ci --json in the test's working folder, with the given files in it. */
  function gate(files: Record<string, string>, ...flags: string[]): Verdict {
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(cwd, name), text);
    }
    const r = spawnSync('node', [CLI, 'analyze', archive, '--ci', '--json', ...flags], { cwd, env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) {
      return { status: r.status ?? -1, rules: [], thresholds: {}, rulesFile: null, stderr: r.stderr };
    }
    const out = JSON.parse(r.stdout) as { rules: Array<{ rule: string; pass: boolean }>; thresholds: Record<string, unknown>; rulesFile: string | null };
    const secrets = out.rules.find((x) => x.rule === 'secrets')?.pass;
    const rules = out.rules.filter((x) => x.rule !== 'secrets').map((x): [string, boolean] => [x.rule, x.pass]);
    return { status: r.status, rules, secrets, thresholds: out.thresholds, rulesFile: out.rulesFile, stderr: r.stderr };
  }
  const dive = (name: string) => fs.readFileSync(path.join(DIVE_FILES, name), 'utf8');

  // dive's verdicts (its rules.go: fail when efficiency < lowest, wasted > highest, user ratio > highest).
  const cases: Array<[string, string[], number]> = [
    ['readme.dive-ci', ['--lowestEfficiency', '0.95', '--highestWastedBytes', '20MB', '--highestUserWastedPercent', '0.20'], 1],
    ['data.dive-ci', ['--lowestEfficiency', '0.95', '--highestWastedBytes', '20Mb', '--highestUserWastedPercent', '0.5'], 0],
    ['legacy.dive-ci', ['--lowestEfficiency', '0.95', '--highestWastedBytes', '20MB', '--highestUserWastedPercent', '0.20'], 1],
    ['default-ci-config.dive-ci', ['--lowestEfficiency', '0.96', '--highestWastedBytes', '19Mb', '--highestUserWastedPercent', '0.6'], 0],
  ];
  for (const [file, flags, status] of cases) {
    it(`dive's ${file} as .dive-ci: exit ${status}, rule by rule the same as its rules given as dive's flags`, () => {
      const fromFile = gate({ '.dive-ci': dive(file) });
      assert.strictEqual(fromFile.status, status, fromFile.stderr);
      assert.strictEqual(fromFile.rulesFile, '.dive-ci');
      fs.rmSync(path.join(cwd, '.dive-ci'));
      const fromFlags = gate({}, ...flags);
      assert.deepStrictEqual([fromFlags.status, fromFlags.rules, fromFlags.rulesFile], [fromFile.status, fromFile.rules, null]);
      assert.deepStrictEqual(
        fromFile.rules.map(([rule]) => rule),
        ['lowestEfficiency', 'highestWastedBytes', 'highestUserWastedPercent'],
      );
    });
  }

  it('dive\'s plugins keys (in .data/.dive-ci) are named as ignored on stderr, with their lines', () => {
    const v = gate({ '.dive-ci': dive('data.dive-ci') });
    assert.match(v.stderr, /^strata: \.dive-ci, line 2: "plugins" is ignored, as dive ignores it\.\nstrata: \.dive-ci, line 15: "plugin1\/rule1" is ignored/);
  });

  it('disabled turns a rule off, dive\'s defaults included; with no file, dive\'s defaults (0.9, disabled, 0.1)', () => {
    const none = gate({});
    assert.deepStrictEqual([none.status, none.rules], [1, [['lowestEfficiency', true], ['highestUserWastedPercent', false]]]);
    const off = gate({ '.dive-ci': 'rules:\n  highestUserWastedPercent: disabled\n  lowestEfficiency: off\n' });
    assert.deepStrictEqual([off.status, off.rules], [0, []]);
  });

  it('sizes as dive reads them: 32KB is 32,000 bytes (fails at 32025), 31.3KiB 32,051 (passes)', () => {
    const base = 'rules:\n  highestUserWastedPercent: disabled\n  highestWastedBytes: ';
    assert.deepStrictEqual(gate({ '.dive-ci': `${base}32KB\n` }).rules, [['lowestEfficiency', true], ['highestWastedBytes', false]]);
    assert.deepStrictEqual(gate({ '.dive-ci': `${base}31.3KiB\n` }).rules, [['lowestEfficiency', true], ['highestWastedBytes', true]]);
  });

  it('a malformed .dive-ci: exit 2, one sentence with the file and the line', () => {
    const broken = gate({ '.dive-ci': 'rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: [20MB\n' });
    assert.strictEqual(broken.status, 2);
    assert.match(broken.stderr, /^strata: \.dive-ci, line \d: this is not YAML dive or Strata can read \([^\n]*\)\.\n$/);
    const wrong = gate({ '.dive-ci': 'rules:\n  lowestEfficiency: 95%\n' });
    assert.deepStrictEqual([wrong.status, wrong.stderr], [2, 'strata: .dive-ci, line 2: lowestEfficiency must be a ratio between 0 and 1 such as 0.95, or disabled; it is "95%".\n']);
    const unknown = gate({ '.strata-ci.yaml': 'rules:\n  maxLayer: 3\n' });
    assert.strictEqual(unknown.status, 2);
    assert.match(unknown.stderr, /^strata: \.strata-ci\.yaml, line 2: "maxLayer" is not a rule; the rules are .*maxLayers/);
  });

  it('.strata-ci.yaml: maxImageSize (1220598 bytes), maxLayers (14), secrets passed on, on by default', () => {
    const quiet = 'rules:\n  highestUserWastedPercent: disabled\n';
    const over = gate({ '.strata-ci.yaml': `${quiet}  maxImageSize: 1.2MB\n  maxLayers: 13\n  secrets: false\n` });
    assert.deepStrictEqual([over.status, over.rules], [1, [['lowestEfficiency', true], ['maxImageSize', false], ['maxLayers', false]]]);
    assert.deepStrictEqual([over.thresholds.secrets, over.secrets], [false, undefined], 'secrets: false: not judged');
    const within = gate({ '.strata-ci.yaml': `${quiet}  maxImageSize: 1.3MB\n  maxLayers: 14\n` });
    assert.deepStrictEqual([within.status, within.rules], [0, [['lowestEfficiency', true], ['maxImageSize', true], ['maxLayers', true]]]);
    assert.deepStrictEqual([within.thresholds.secrets, within.secrets], [true, true], 'on by default, and dive\'s image holds no secret');
  });

  it('flags override the file; the file overrides the defaults', () => {
    const files = { '.strata-ci.yaml': 'rules:\n  maxLayers: 13\n  highestUserWastedPercent: 0.6\n' };
    assert.deepStrictEqual(gate(files).rules, [['lowestEfficiency', true], ['highestUserWastedPercent', true], ['maxLayers', false]]);
    const flagged = gate(files, '--max-layers', '14', '--highest-user-wasted-percent', '0.4', '--secrets', 'false');
    assert.deepStrictEqual(flagged.rules, [['lowestEfficiency', true], ['highestUserWastedPercent', false], ['maxLayers', true]]);
    assert.strictEqual(flagged.thresholds.secrets, false);
    fs.rmSync(path.join(cwd, '.strata-ci.yaml'));
    assert.strictEqual(gate({ '.dive-ci': dive('readme.dive-ci') }).status, 1);
    assert.strictEqual(gate({}, '--highestUserWastedPercent', 'disabled').status, 0, 'dive\'s file fails on this rule alone');
  });

  it('both files: .strata-ci.yaml is read, .dive-ci named as unread; --ci-config PATH reads another', () => {
    const both = gate({ '.dive-ci': dive('readme.dive-ci'), '.strata-ci.yaml': 'rules:\n  highestUserWastedPercent: 0.5\n' });
    assert.deepStrictEqual([both.status, both.rulesFile], [0, '.strata-ci.yaml']);
    assert.match(both.stderr, /rules from \.strata-ci\.yaml; \.dive-ci is here too and is not read/);
    const named = gate({}, '--ci-config', path.join(DIVE_FILES, 'readme.dive-ci'));
    assert.deepStrictEqual([named.status, named.rulesFile], [1, path.join(DIVE_FILES, 'readme.dive-ci')]);
    const missing = gate({}, '--ci-config', 'nope.yaml');
    assert.deepStrictEqual([missing.status, missing.stderr], [2, `strata: --ci-config nope.yaml: there is no such file (from ${fs.realpathSync(cwd)}).\n`]);
  });
});
