/**
 * dive's CI rules over the metrics: each rule PASS or FAIL, with the number it judged.
 * Thresholds are given as on dive's command line: `--lowest-efficiency 0.95`,
 * `--highest-wasted-bytes 20MB`, `--highest-user-wasted-percent 0.2`. And Strata's own
 * rule `secrets`: any secret left in a layer fails, unless turned off (`--secrets disabled`,
 * as dive's rules are turned off in .dive-ci).
 */
import type { ImageMetrics } from './diveMetrics';
import { type ImageSecret, secretKindName } from './imageSecrets';

export interface CiThresholds {
  lowestEfficiency?: number;
  highestWastedBytes?: number;
  highestUserWastedPercent?: number;
  /** Strata's: the analysed size (the files, as dive counts them) at most this many bytes. */
  maxImageSize?: number;
  /** Strata's: at most this many layers. */
  maxLayers?: number;
  /** Strata's: fail when a layer holds a secret. Only the switch here; the detection and its rule come with secret scanning. */
  secrets?: boolean;
}

export interface RuleResult {
  rule: string;
  pass: boolean;
  detail: string;
}

// The units dive reads (go-humanize's ParseBytes, any case): K, KB = 1000; Ki, KiB = 1024.
const UNITS: Record<string, number> = {
  '': 1, B: 1,
  K: 1e3, KB: 1e3, M: 1e6, MB: 1e6, G: 1e9, GB: 1e9, T: 1e12, TB: 1e12, P: 1e15, PB: 1e15,
  KI: 1024, KIB: 1024, MI: 1024 ** 2, MIB: 1024 ** 2, GI: 1024 ** 3, GIB: 1024 ** 3, TI: 1024 ** 4, TIB: 1024 ** 4,
};

/** "20MB", "20Mb", "1.5 GB", "300kB", "512MiB", "1048576" → bytes; undefined when not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = m ? UNITS[m[2].toUpperCase()] : undefined;
  return m && factor !== undefined ? Math.round(Number(m[1]) * factor) : undefined;
}

export function evaluateRules(m: ImageMetrics, t: CiThresholds): RuleResult[] {
  const results: RuleResult[] = [];
  if (t.lowestEfficiency !== undefined) {
    results.push({
      rule: 'lowestEfficiency',
      pass: m.efficiency >= t.lowestEfficiency,
      detail: `efficiency ${m.efficiency.toFixed(4)} (lowest allowed ${t.lowestEfficiency})`,
    });
  }
  if (t.highestWastedBytes !== undefined) {
    results.push({
      rule: 'highestWastedBytes',
      pass: m.wastedBytes <= t.highestWastedBytes,
      detail: `wasted ${m.wastedBytes} bytes (highest allowed ${t.highestWastedBytes})`,
    });
  }
  if (t.highestUserWastedPercent !== undefined) {
    results.push({
      rule: 'highestUserWastedPercent',
      pass: m.wastedUserPercent <= t.highestUserWastedPercent,
      detail: `wasted ${(m.wastedUserPercent * 100).toFixed(2)}% of the user size (highest allowed ${(t.highestUserWastedPercent * 100).toFixed(2)}%)`,
    });
  }
  if (t.maxImageSize !== undefined) {
    results.push({
      rule: 'maxImageSize',
      pass: m.sizeBytes <= t.maxImageSize,
      detail: `image size ${m.sizeBytes} bytes (largest allowed ${t.maxImageSize})`,
    });
  }
  if (t.maxLayers !== undefined) {
    results.push({
      rule: 'maxLayers',
      pass: m.layerSizes.length <= t.maxLayers,
      detail: `${m.layerSizes.length} layers (most allowed ${t.maxLayers})`,
    });
  }
  return results;
}

/** The rule `secrets`: passes when no layer holds a secret. Its detail names kinds and paths, never a value. */
export function secretsRule(secrets: ImageSecret[]): RuleResult {
  if (secrets.length === 0) {
    return { rule: 'secrets', pass: true, detail: 'no secret found in any layer' };
  }
  const hidden = secrets.filter((s) => s.hidden).length;
  const listed = secrets
    .slice(0, 5)
    .map((s) => `${secretKindName(s.kind)} ${s.path} (layer ${s.layer + 1})`)
    .join(', ');
  return {
    rule: 'secrets',
    pass: false,
    detail: `${secrets.length} secret${secrets.length === 1 ? '' : 's'} left in layers${hidden ? `, ${hidden} of them hidden by a later layer but still extractable` : ''}: ${listed}${secrets.length > 5 ? ', …' : ''}`,
  };
}
