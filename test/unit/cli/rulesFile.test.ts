/** The CI rules files (src/cli/ci/rulesFile.ts): dive's own examples, Strata's keys, mistakes with their line, precedence. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, UsageError } from '../../../src/cli/common/args';
import { CI_DEFAULTS, parseRulesFile, readRulesFile, resolveThresholds, settingsFromFlags } from '../../../src/cli/ci/rulesFile';

const DIVE_FILES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'harness', 'fixtures', 'dive-ci');
const diveFile = (name: string) => fs.readFileSync(path.join(DIVE_FILES, name), 'utf8');

/** The sentence a rules file's mistake ends in. */
function mistake(text: string, file = '.strata-ci.yaml'): string {
  try {
    parseRulesFile(text, file);
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err.message;
  }
  assert.fail(`no mistake found in ${JSON.stringify(text)}`);
}

describe('rules files: dive\'s own examples', () => {
  it('the README\'s .dive-ci: ratios, and 20MB in dive\'s decimal megabytes', () => {
    assert.deepStrictEqual(parseRulesFile(diveFile('readme.dive-ci'), '.dive-ci'), {
      file: '.dive-ci',
      settings: { lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.2 },
      ignored: [],
    });
  });

  it('.data/.dive-ci: 20Mb as dive reads it; its plugins keys ignored as dive ignores them, each with its line', () => {
    const read = parseRulesFile(diveFile('data.dive-ci'), '.dive-ci');
    assert.deepStrictEqual(read.settings, { lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.5 });
    assert.deepStrictEqual(read.ignored, ['.dive-ci, line 2: "plugins" is ignored, as dive ignores it.', '.dive-ci, line 15: "plugin1/rule1" is ignored, as dive ignores plugin rules.']);
  });

  it('dive\'s test files: the legacy keys, and 19Mb', () => {
    assert.deepStrictEqual(parseRulesFile(diveFile('legacy.dive-ci'), 'x').settings, { lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.2 });
    assert.deepStrictEqual(parseRulesFile(diveFile('default-ci-config.dive-ci'), 'x').settings, { lowestEfficiency: 0.96, highestWastedBytes: 19_000_000, highestUserWastedPercent: 0.6 });
  });

  it('a rule left out keeps dive\'s default; disabled (and dive\'s off, false, empty) turns a default off', () => {
    assert.deepStrictEqual(resolveThresholds(parseRulesFile('rules:\n  highestWastedBytes: 1GB\n', 'x').settings), { ...CI_DEFAULTS, highestWastedBytes: 1e9 });
    for (const off of ['disabled', 'DISABLED', 'off', 'false', '""', '']) {
      const t = resolveThresholds(parseRulesFile(`rules:\n  lowestEfficiency: ${off}\n`, 'x').settings);
      assert.strictEqual(t.lowestEfficiency, undefined, off);
      assert.strictEqual(t.highestUserWastedPercent, 0.1, off);
    }
    assert.deepStrictEqual(resolveThresholds({}), { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1, secrets: true });
  });

  it('an empty file, or rules: with nothing under it, is the defaults', () => {
    assert.deepStrictEqual(parseRulesFile('', 'x').settings, {});
    assert.deepStrictEqual(parseRulesFile('# nothing yet\nrules:\n', 'x').settings, {});
  });
});

describe('rules files: Strata\'s keys', () => {
  it('maxImageSize in any of dive\'s units, maxLayers, secrets', () => {
    assert.deepStrictEqual(parseRulesFile('rules:\n  maxImageSize: 500MB\n  maxLayers: 30\n  secrets: false\n', 'x').settings, { maxImageSize: 500_000_000, maxLayers: 30, secrets: false });
    assert.strictEqual(parseRulesFile('rules:\n  maxImageSize: 512MiB\n', 'x').settings.maxImageSize, 512 * 1024 ** 2);
    assert.strictEqual(parseRulesFile('rules:\n  maxImageSize: 1.5 GB\n', 'x').settings.maxImageSize, 1.5e9);
    assert.strictEqual(parseRulesFile('rules:\n  maxImageSize: 1048576\n', 'x').settings.maxImageSize, 1_048_576);
    assert.strictEqual(parseRulesFile('rules:\n  secrets: disabled\n', 'x').settings.secrets, false);
    assert.strictEqual(parseRulesFile('rules:\n  secrets: true\n', 'x').settings.secrets, true);
    assert.deepStrictEqual(resolveThresholds(parseRulesFile('rules:\n  maxLayers: disabled\n', 'x').settings).maxLayers, undefined);
  });
});

describe('rules files: a mistake names the file, the line and what was expected', () => {
  it('not YAML', () => assert.match(mistake('rules:\n  lowestEfficiency: [0.9\n'), /^\.strata-ci\.yaml, line \d: this is not YAML dive or Strata can read \(.*\]/));
  it('a key twice', () => assert.match(mistake('rules:\n  maxLayers: 3\n  maxLayers: 4\n'), /^\.strata-ci\.yaml, line 3: this is not YAML .*unique/));
  it('an unknown rule, with the rules there are', () =>
    assert.strictEqual(mistake('rules:\n  maxLayers: 3\n  lowestEfficency: 0.9\n'), '.strata-ci.yaml, line 3: "lowestEfficency" is not a rule; the rules are lowestEfficiency, highestWastedBytes, highestUserWastedPercent, maxImageSize, maxLayers, secrets.'));
  it('a rule in another spelling (dive\'s own config writes lowest-efficiency): the spelling to use', () =>
    assert.strictEqual(mistake('rules:\n  lowest-efficiency: 0.9\n'), '.strata-ci.yaml, line 2: "lowest-efficiency" is not a rule; write lowestEfficiency.'));
  it('an unknown key at the top', () => assert.strictEqual(mistake('rule:\n  maxLayers: 3\n', '.dive-ci'), '.dive-ci, line 1: "rule" is not a key of a rules file; the rules go under "rules:".'));
  it('a ratio above 1, as dive refuses it', () =>
    assert.strictEqual(mistake('rules:\n\n  lowestEfficiency: 95\n'), '.strata-ci.yaml, line 3: lowestEfficiency must be a ratio between 0 and 1 such as 0.95, or disabled; it is 95.'));
  it('a size that is not one', () => assert.strictEqual(mistake('rules:\n  highestWastedBytes: lots\n'), '.strata-ci.yaml, line 2: highestWastedBytes must be a size such as 20MB, or disabled; it is "lots".'));
  it('layers: a whole number, not negative', () => {
    assert.match(mistake('rules:\n  maxLayers: 2.5\n'), /line 2: maxLayers must be a whole number of layers such as 30, or disabled; it is 2\.5\./);
    assert.match(mistake('rules:\n  maxLayers: -1\n'), /line 2: maxLayers must be a whole number/);
  });
  it('secrets: true, false or disabled', () => assert.match(mistake('rules:\n  secrets: sometimes\n'), /line 2: secrets must be true, false or disabled; it is "sometimes"\./));
  it('not a map', () => {
    assert.match(mistake('- lowestEfficiency: 0.9\n'), /^\.strata-ci\.yaml, line 1: a rules file is a map with "rules:" at the top/);
    assert.match(mistake('rules: 0.9\n'), /^\.strata-ci\.yaml, line 1: "rules:" must be a map of rules/);
  });
});

describe('rules: flags over the file over the defaults', () => {
  it('each layer overrides only what it says; disabled in a later layer turns a rule off', () => {
    const file = parseRulesFile('rules:\n  lowestEfficiency: 0.95\n  maxLayers: 10\n  secrets: false\n', 'x').settings;
    const flags = settingsFromFlags({ 'lowest-efficiency': '0.5', highestUserWastedPercent: 'disabled', 'max-image-size': '1GB' });
    assert.deepStrictEqual(resolveThresholds(file, flags), { lowestEfficiency: 0.5, maxLayers: 10, secrets: false, maxImageSize: 1e9 });
  });
  it('dive\'s flag spellings; both spellings of one rule, or a wrong value, are usage errors', () => {
    assert.deepStrictEqual(settingsFromFlags({ lowestEfficiency: '0.8', highestWastedBytes: '20Mb', 'max-layers': '7', secrets: 'false' }), {
      lowestEfficiency: 0.8,
      highestWastedBytes: 20e6,
      maxLayers: 7,
      secrets: false,
    });
    assert.throws(() => settingsFromFlags({ lowestEfficiency: '0.8', 'lowest-efficiency': '0.9' }), (e) => e instanceof UsageError && /give --lowest-efficiency or --lowestEfficiency, not both/.test(e.message));
    assert.throws(() => settingsFromFlags({ 'max-layers': 'many' }), (e) => e instanceof UsageError && e.message === '--max-layers must be a whole number of layers such as 30, or disabled; it is "many"');
  });
});

describe('which rules file is read', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rules-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('none: undefined; .dive-ci alone; .strata-ci.yaml before .dive-ci, which is named as unread', () => {
    assert.strictEqual(readRulesFile(dir), undefined);
    fs.writeFileSync(path.join(dir, '.dive-ci'), diveFile('readme.dive-ci'));
    assert.deepStrictEqual([readRulesFile(dir)?.file, readRulesFile(dir)?.settings.highestUserWastedPercent], ['.dive-ci', 0.2]);
    fs.writeFileSync(path.join(dir, '.strata-ci.yaml'), 'rules:\n  maxLayers: 4\n');
    const both = readRulesFile(dir);
    assert.deepStrictEqual([both?.file, both?.unread, both?.settings], ['.strata-ci.yaml', '.dive-ci', { maxLayers: 4 }]);
  });

  it('--ci-config PATH, relative to the working folder; a path that is not there is said', () => {
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci', 'gate.yaml'), 'rules:\n  maxLayers: 2\n');
    assert.deepStrictEqual(readRulesFile(dir, 'ci/gate.yaml')?.settings, { maxLayers: 2 });
    assert.throws(() => readRulesFile(dir, 'ci/nope.yaml'), (e) => e instanceof InputError && e.message === `--ci-config ci/nope.yaml: there is no such file (from ${dir}).`);
  });
});
