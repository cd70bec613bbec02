/**
 * Summaries of timed runs and the one table the bench prints. Medians, not means: a
 * shared 2-core machine gives occasional outliers that say nothing about the code.
 */

/** The value below which `p` percent of `samples` lie (nearest-rank, interpolated). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) {
    return NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export interface Summary {
  median: number;
  p10: number;
  p90: number;
  runs: number;
}

export function summarize(samples: number[]): Summary {
  return { median: median(samples), p10: percentile(samples, 10), p90: percentile(samples, 90), runs: samples.length };
}

/** One line of the result: what Strata took, next to the floor (raw API) and the CLI. */
export interface CaseResult {
  name: string;
  strata: Summary;
  raw?: Summary;
  cli?: Summary;
  goal: string;
  /** Whether Strata met the goal; undefined for rows that are reported, not judged. */
  met?: boolean;
  /** What the columns mean for this row, when it is not obvious. */
  note?: string;
  /** The unit of the Strata/raw/CLI columns when it is not milliseconds (e.g. "MB"). */
  unit?: string;
}

export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  return a && b && b.median > 0 ? a.median / b.median : undefined;
}

const ms = (s: Summary | undefined, unit = 'ms') => (s ? `${s.median.toFixed(1)}${unit === 'ms' ? '' : ` ${unit}`}` : '—');
const times = (r: number | undefined) => (r === undefined ? '—' : `${r.toFixed(2)}×`);

function verdict(r: CaseResult): string {
  if (r.met === undefined) {
    return r.goal;
  }
  return `${r.goal} ${r.met ? 'ok' : 'MISSED'}`;
}

const HEADER = ['case', 'Strata median ms', 'raw Engine API median ms', 'docker CLI median ms', 'Strata/raw', 'CLI/raw', 'goal'];

/** A plain-text table with aligned columns, numbers right-aligned, then the rows' notes. */
export function formatTable(results: CaseResult[]): string {
  const rows = results.map((r) => [
    r.name,
    ms(r.strata, r.unit),
    ms(r.raw, r.unit),
    ms(r.cli, r.unit),
    times(ratio(r.strata, r.raw)),
    times(ratio(r.cli, r.raw)),
    verdict(r),
  ]);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  const notes = results.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`);
  return [line(HEADER), rule, ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The same results as data, with the ratios worked out, for `--json`. */
export function toJson(results: CaseResult[], context: Record<string, unknown>): string {
  const cases = results.map((r) => ({
    ...r,
    strataToRaw: ratio(r.strata, r.raw),
    cliToRaw: ratio(r.cli, r.raw),
  }));
  return JSON.stringify({ ...context, cases }, null, 2);
}
