/**
 * What the reports (SARIF, JUnit, Markdown, GitHub annotations) say about one image: each
 * finding once, with the Dockerfile line that caused it when the image was matched to a
 * Dockerfile, and the image's layer otherwise. Every report is made from these.
 */
import type { RuleResult } from '../../analysis/ciRules';
import type { ImageMetrics } from '../../analysis/diveMetrics';
import type { Instruction } from '../../analysis/dockerfile/dockerfile';
import type { ImageLines } from '../../analysis/dockerfile/imageLines';
import type { LayerWaste } from '../../analysis/layerWaste';
import { formatBytes } from '../../shared/format';

/** The CI rules' ids as dive names them, plus Strata's. */
export type RuleId = 'lowestEfficiency' | 'highestWastedBytes' | 'highestUserWastedPercent' | 'maxImageSize' | 'maxLayers' | 'secrets';

export type FindingKind = 'rule' | 'wastedFile' | 'secret';

/** A place in the Dockerfile, 1-based lines as reports count them. */
export interface DockerfileLines {
  line: number;
  endLine: number;
}

export interface Finding {
  kind: FindingKind;
  /** The report rule it belongs to: a CI rule's id, `wastedFile`, or `secret`. */
  ruleId: string;
  level: 'error' | 'warning';
  /** One sentence. Never a secret's value. */
  message: string;
  /** The layer (0 = base) that caused it, when one did. */
  layer?: number;
  /** Where in the Dockerfile, when the image was matched to one and that layer was found there. */
  at?: DockerfileLines;
  /** A second place that explains it (the line that removed or overwrote a wasted file). */
  related?: { layer: number; at?: DockerfileLines; message: string };
  /** A file's path in the image, with a leading slash. */
  path?: string;
  size?: number;
  /** A stable id of a secret (a short hash), so a report can follow it without its value. */
  fingerprint?: string;
}

/**
 * A secret found in a layer (src/analysis/secrets): what kind, where, and a fingerprint,
 * never the value.
 */
export interface SecretFinding {
  kind: string;
  path: string;
  layer: number;
  fingerprint: string;
}

/** The Dockerfile matched to the image, for locating findings on its lines. */
export interface LocatedDockerfile {
  /** As reports name it: relative to the working folder, forward slashes. */
  uri: string;
  lines: ImageLines;
}

export interface FindingInput {
  metrics: ImageMetrics;
  results: RuleResult[];
  waste: LayerWaste;
  secrets: SecretFinding[];
  dockerfile?: LocatedDockerfile;
}

/** Wasted files reported at most, largest first (an apt cache is thousands of them). */
export const MAX_WASTED_FILES = 100;

function linesOf(ins: Instruction | undefined): DockerfileLines | undefined {
  return ins ? { line: ins.line + 1, endLine: ins.endLine + 1 } : undefined;
}

/** The largest index of a list of numbers (the first on a tie), undefined when all are 0. */
function largest(values: number[]): number | undefined {
  let best: number | undefined;
  values.forEach((v, i) => {
    if (v > 0 && (best === undefined || v > values[best])) {
      best = i;
    }
  });
  return best;
}

/**
 * The layer a failed rule is laid on: the waste rules on the layer whose files later
 * layers hide most (where the bytes were added, as the editor's diagnostics mark them);
 * the size rule on the largest layer; the layer count on the first layer over the limit.
 */
function culprit(rule: string, input: FindingInput, maxLayers?: number): number | undefined {
  switch (rule) {
    case 'lowestEfficiency':
    case 'highestWastedBytes':
    case 'highestUserWastedPercent':
      return largest(input.waste.wasted);
    case 'maxImageSize':
      return largest(input.metrics.layerSizes);
    case 'maxLayers':
      return maxLayers !== undefined && maxLayers < input.metrics.layerSizes.length ? maxLayers : undefined;
    default:
      return undefined;
  }
}

export interface Findings {
  findings: Finding[];
  /** Wasted files left out past MAX_WASTED_FILES. */
  wastedFilesLeftOut: number;
}

export function collectFindings(input: FindingInput, maxLayers?: number): Findings {
  const at = (layer: number | undefined) => (layer === undefined ? undefined : linesOf(input.dockerfile?.lines.layers[layer]));
  const where = (layer: number) => {
    const lines = at(layer);
    return lines ? `line ${lines.line}` : `layer ${layer + 1}`;
  };
  const findings: Finding[] = [];
  for (const r of input.results.filter((x) => !x.pass)) {
    const layer = culprit(r.rule, input, maxLayers);
    findings.push({ kind: 'rule', ruleId: r.rule, level: 'error', message: `${r.rule} failed: ${r.detail}${layer === undefined ? '' : `; most of it from ${where(layer)}`}.`, layer, at: at(layer) });
  }
  const wasted = input.waste.findings.filter((f) => f.size > 0);
  for (const f of wasted.slice(0, MAX_WASTED_FILES)) {
    // On the line that added the bytes, as the editor's diagnostics: that is the line to change
    // (remove the file in the same RUN); the line that hid them is the related location.
    const verb = f.how === 'removed' ? 'removed' : 'overwritten';
    findings.push({
      kind: 'wastedFile',
      ruleId: 'wastedFile',
      level: 'warning',
      message: `${f.path} (${formatBytes(f.size)}) added at ${where(f.addedIn)} is ${verb} at ${where(f.hiddenIn)}, but stays in the image: ${f.how === 'removed' ? 'remove it in the same RUN' : 'write it once, or in the same RUN'}.`,
      layer: f.addedIn,
      at: at(f.addedIn),
      related: { layer: f.hiddenIn, at: at(f.hiddenIn), message: `${f.path} ${verb} here` },
      path: f.path,
      size: f.size,
    });
  }
  for (const s of input.secrets) {
    findings.push({
      kind: 'secret',
      ruleId: 'secret',
      level: 'error',
      message: `a ${s.kind} in ${s.path}, added at ${where(s.layer)} (fingerprint ${s.fingerprint}): it stays in the image even if a later layer removes it.`,
      layer: s.layer,
      at: at(s.layer),
      path: s.path,
      fingerprint: s.fingerprint,
    });
  }
  return { findings, wastedFilesLeftOut: Math.max(0, wasted.length - MAX_WASTED_FILES) };
}

/** Each report rule's name and help, for SARIF's tool.driver.rules and the Markdown. */
export const REPORT_RULES: Array<{ id: string; name: string; short: string; help: string }> = [
  { id: 'lowestEfficiency', name: 'LowestEfficiency', short: "The image's efficiency is below the lowest allowed", help: "dive's efficiency: the bytes of each path's smallest version over the bytes of all its versions in every layer. Files that a later layer removes or overwrites lower it; remove them in the layer that adds them. Set with --lowest-efficiency or lowestEfficiency in the rules file." },
  { id: 'highestWastedBytes', name: 'HighestWastedBytes', short: 'The image wastes more bytes than allowed', help: "dive's wasted bytes: the bytes of every path that two or more layers touch. Set with --highest-wasted-bytes or highestWastedBytes in the rules file." },
  { id: 'highestUserWastedPercent', name: 'HighestUserWastedPercent', short: 'The image wastes a larger share of its user size than allowed', help: "dive's wasted bytes over the user size (every layer but the base). Set with --highest-user-wasted-percent or highestUserWastedPercent in the rules file." },
  { id: 'maxImageSize', name: 'MaxImageSize', short: 'The image is larger than allowed', help: "Strata's: the image's analysed size (the sum of its layers' files, as dive counts) is above the limit. Set with --max-image-size or maxImageSize in the rules file." },
  { id: 'maxLayers', name: 'MaxLayers', short: 'The image has more layers than allowed', help: "Strata's: the image has more filesystem layers than the limit. Set with --max-layers or maxLayers in the rules file." },
  { id: 'secrets', name: 'Secrets', short: 'A layer holds a secret (the CI rule)', help: "Strata's: fails when any layer holds a secret, even one a later layer removes; each secret is its own result. Turn it off with --secrets false or secrets: false in the rules file." },
  { id: 'wastedFile', name: 'WastedFile', short: 'A file added by one layer is removed or overwritten by a later one', help: 'The first copy stays in the image: its bytes are downloaded and stored though no container sees them. Remove the file in the same RUN that adds it, or write it once.' },
  { id: 'secret', name: 'Secret', short: 'A layer holds a secret', help: 'A secret in any layer can be read from the image, even when a later layer removes it. Pass secrets at build time (RUN --mount=type=secret) instead of copying them in.' },
];
