/**
 * The CI rules of `strata analyze --ci`: from the defaults, a rules file, and the flags, each
 * overriding the one before. The file is `.strata-ci.yaml` or dive's own `.dive-ci` in the
 * working folder (or `--ci-config PATH`), so a pipeline that gates with dive keeps its file.
 * Both are read alike: `rules:` with dive's three keys and Strata's. A value is checked
 * against what its rule takes; a mistake names the file and the line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, type Node, type Pair, isMap, isScalar, parseDocument } from 'yaml';
import { type CiThresholds, parseByteSize } from '../../analysis/ciRules';
import { InputError, UsageError, type Values, warn } from '../common/args';

/** When both are in the working folder, the first is read (and the other named as unread). */
export const RULES_FILES = ['.strata-ci.yaml', '.dive-ci'] as const;

export type RuleKey = keyof CiThresholds;
/** One layer of settings: a value; null for "disabled"; a key absent when this layer says nothing. */
export type RuleSettings = { [K in RuleKey]?: CiThresholds[K] | null };

/**
 * dive's defaults when `--ci` is given (cmd/dive/cli/internal/options/ci_rules.go,
 * DefaultCIRules: 0.9, disabled, 0.1), and Strata's secrets rule on.
 */
export const CI_DEFAULTS: CiThresholds = { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1, secrets: true };

type Parsed = number | boolean | null | undefined;
interface RuleSpec {
  flag: string;
  /** dive's own spelling on its command line (`--lowestEfficiency`), taken as well. */
  diveFlag?: string;
  expected: string;
  parse(value: unknown): Parsed;
}

/** dive takes these as "rule disabled" (ci/rules.go, isRuleDisabled), in any case. */
function isDisabled(value: unknown): boolean {
  return value === null || value === false || (typeof value === 'string' && ['', 'disabled', 'off', 'false'].includes(value.trim().toLowerCase()));
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  return typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : undefined;
}

function ratio(value: unknown): Parsed {
  if (isDisabled(value)) {
    return null;
  }
  const n = numberOf(value);
  return n !== undefined && n >= 0 && n <= 1 ? n : undefined;
}

function size(value: unknown): Parsed {
  if (isDisabled(value)) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  }
  return typeof value === 'string' ? parseByteSize(value) : undefined;
}

function count(value: unknown): Parsed {
  if (isDisabled(value)) {
    return null;
  }
  const n = numberOf(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function onOff(value: unknown): Parsed {
  if (value === true || value === 'true') {
    return true;
  }
  return isDisabled(value) ? false : undefined;
}

export const RULES: Record<RuleKey, RuleSpec> = {
  lowestEfficiency: { flag: 'lowest-efficiency', diveFlag: 'lowestEfficiency', expected: 'a ratio between 0 and 1 such as 0.95, or disabled', parse: ratio },
  highestWastedBytes: { flag: 'highest-wasted-bytes', diveFlag: 'highestWastedBytes', expected: 'a size such as 20MB, or disabled', parse: size },
  highestUserWastedPercent: { flag: 'highest-user-wasted-percent', diveFlag: 'highestUserWastedPercent', expected: 'a ratio between 0 and 1 such as 0.20, or disabled', parse: ratio },
  maxImageSize: { flag: 'max-image-size', expected: 'a size such as 500MB, or disabled', parse: size },
  maxLayers: { flag: 'max-layers', expected: 'a whole number of layers such as 30, or disabled', parse: count },
  secrets: { flag: 'secrets', expected: 'true, false or disabled', parse: onOff },
};

/** The flags of every rule for util.parseArgs, Strata's and dive's spellings. */
export const RULE_FLAGS = Object.fromEntries(
  Object.values(RULES).flatMap((r) => [r.flag, ...(r.diveFlag ? [r.diveFlag] : [])].map((name) => [name, { type: 'string' as const }])),
);

/** What the flags say; a flag given in both spellings, or a wrong value, is a usage error. */
export function settingsFromFlags(values: Values): RuleSettings {
  const settings: Record<string, Parsed> = {};
  for (const [key, spec] of Object.entries(RULES)) {
    const given = [spec.flag, spec.diveFlag].filter((f): f is string => f !== undefined && values[f] !== undefined);
    if (given.length > 1) {
      throw new UsageError(`give --${given[0]} or --${given[1]}, not both`);
    }
    if (given.length === 1) {
      const text = values[given[0]] as string;
      const parsed = spec.parse(text);
      if (parsed === undefined) {
        throw new UsageError(`--${given[0]} must be ${spec.expected}; it is "${text}"`);
      }
      settings[key] = parsed;
    }
  }
  return settings as RuleSettings;
}

export interface RulesFile {
  file: string;
  settings: RuleSettings;
  /** Keys dive reads and ignores (its plugins), ignored here too: one sentence each for stderr. */
  ignored: string[];
}

/** The rule a key means when only its case or dashes differ (dive's own config writes lowest-efficiency). */
function closeRule(key: string): string | undefined {
  const plain = (k: string) => k.replace(/[-_]/g, '').toLowerCase();
  return Object.keys(RULES).find((rule) => plain(rule) === plain(key));
}

/** Reads and checks a rules file's text; `file` is the name its sentences use. */
export function parseRulesFile(text: string, file: string): RulesFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (node: Node | null | undefined) => (node?.range ? `${file}, line ${lineCounter.linePos(node.range[0]).line}` : file);
  const problem = doc.errors[0];
  if (problem) {
    const reason = problem.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
    throw new InputError(`${file}, line ${problem.linePos?.[0].line ?? 1}: this is not YAML dive or Strata can read (${reason}).`);
  }
  const ignored: string[] = [];
  const settings: Record<string, Parsed> = {};
  const top = doc.contents;
  if (top === null || (isScalar(top) && top.value === null)) {
    return { file, settings, ignored };
  }
  if (!isMap(top)) {
    throw new InputError(`${at(top)}: a rules file is a map with "rules:" at the top, such as "rules: { lowestEfficiency: 0.95 }".`);
  }
  for (const pair of top.items as Array<Pair<Node, Node | null>>) {
    const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (name === 'plugins') {
      // dive's own example file (.data/.dive-ci) lists plugins; dive has none and ignores them.
      ignored.push(`${at(pair.key)}: "plugins" is ignored, as dive ignores it.`);
    } else if (name !== 'rules') {
      throw new InputError(`${at(pair.key)}: "${name}" is not a key of a rules file; the rules go under "rules:".`);
    } else if (pair.value !== null && !(isScalar(pair.value) && pair.value.value === null)) {
      if (!isMap(pair.value)) {
        throw new InputError(`${at(pair.value)}: "rules:" must be a map of rules, such as "lowestEfficiency: 0.95".`);
      }
      for (const rule of pair.value.items as Array<Pair<Node, Node | null>>) {
        const key = String(isScalar(rule.key) ? rule.key.value : rule.key);
        const spec = RULES[key as RuleKey] as RuleSpec | undefined;
        if (!spec) {
          if (key.includes('/')) {
            // A plugin's rule in dive's example ("plugin1/rule1: error"): dive ignores it too.
            ignored.push(`${at(rule.key)}: "${key}" is ignored, as dive ignores plugin rules.`);
            continue;
          }
          const near = closeRule(key);
          throw new InputError(`${at(rule.key)}: "${key}" is not a rule; ${near ? `write ${near}` : `the rules are ${Object.keys(RULES).join(', ')}`}.`);
        }
        const raw = isScalar(rule.value) ? rule.value.value : rule.value === null ? null : rule.value.toJSON();
        const parsed = spec.parse(raw);
        if (parsed === undefined) {
          throw new InputError(`${at(rule.value ?? rule.key)}: ${key} must be ${spec.expected}; it is ${JSON.stringify(raw)}.`);
        }
        settings[key] = parsed;
      }
    }
  }
  return { file, settings, ignored };
}

/**
 * The rules file for `--ci`: `--ci-config PATH` (which must exist), else the first of
 * RULES_FILES in the working folder; none is fine (defaults and flags).
 */
export function readRulesFile(cwd: string, configPath?: string): (RulesFile & { unread?: string }) | undefined {
  let file: string;
  let unread: string | undefined;
  if (configPath !== undefined) {
    file = path.resolve(cwd, configPath);
    if (!fs.existsSync(file)) {
      throw new InputError(`--ci-config ${configPath}: there is no such file (from ${cwd}).`);
    }
  } else {
    const present = RULES_FILES.filter((name) => fs.existsSync(path.join(cwd, name)));
    if (present.length === 0) {
      return undefined;
    }
    file = path.join(cwd, present[0]);
    unread = present[1];
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${configPath ?? path.basename(file)} cannot be read: ${(err as Error).message}`);
  }
  return { ...parseRulesFile(text, configPath ?? path.basename(file)), ...(unread ? { unread } : {}) };
}

/** Defaults, then the file, then the flags; a rule disabled anywhere later is off. */
export function resolveThresholds(...layers: RuleSettings[]): CiThresholds {
  const merged: Record<string, unknown> = { ...CI_DEFAULTS };
  for (const layer of layers) {
    Object.assign(merged, layer);
  }
  for (const key of Object.keys(merged)) {
    if (merged[key] === null) {
      delete merged[key];
    }
  }
  return merged as CiThresholds;
}

/** Sentences about where the rules came from, for stderr (never the report itself). */
export function rulesFileNotes(rules: ReturnType<typeof readRulesFile>): void {
  if (rules?.unread) {
    warn(`rules from ${rules.file}; ${rules.unread} is here too and is not read (${RULES_FILES[0]} comes first).`);
  }
  for (const sentence of rules?.ignored ?? []) {
    warn(sentence);
  }
}
