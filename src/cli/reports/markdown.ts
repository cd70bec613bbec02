/**
 * A summary for a pull-request comment (GitHub-flavoured Markdown): the figures, the rules
 * as a pass/fail table, the five largest wasted files, the findings. Text from the image
 * (paths, names) is escaped so that it cannot break a table or become a link.
 */
import type { RuleResult } from '../../analysis/ciRules';
import type { ImageMetrics } from '../../analysis/diveMetrics';
import { formatBytes } from '../../shared/format';
import type { Finding } from './findings';

/** A table cell or line of text: what could make emphasis, code, a link, HTML or a new cell escaped; line breaks as spaces. */
export function mdText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]|<>~])/g, '\\$1');
}

export interface MarkdownInput {
  image: string;
  metrics: ImageMetrics;
  results: RuleResult[];
  findings: Finding[];
  dockerfile?: string;
}

export function buildMarkdown(md: MarkdownInput): string {
  const m = md.metrics;
  const failed = md.results.filter((r) => !r.pass).length;
  const where = (f: Finding) => (f.at && md.dockerfile ? `${mdText(md.dockerfile)} line ${f.at.line}` : f.layer !== undefined ? `layer ${f.layer + 1}` : 'the image');
  const lines = [
    `## Strata: ${mdText(md.image)}`,
    '',
    md.results.length === 0 ? 'No CI rule is enabled.' : failed ? `**${failed} of ${md.results.length} rules failed.**` : `All ${md.results.length} rules passed.`,
    '',
    '| Figure | Value |',
    '| --- | --- |',
    `| Efficiency | ${(m.efficiency * 100).toFixed(2)} % |`,
    `| Wasted | ${formatBytes(m.wastedBytes)} (${m.wastedBytes} bytes) |`,
    `| Wasted share of the user size | ${(m.wastedUserPercent * 100).toFixed(2)} % |`,
    `| Size | ${formatBytes(m.sizeBytes)} (${m.sizeBytes} bytes) |`,
    `| Layers | ${m.layerSizes.length} |`,
    '',
    '### Rules',
    '',
  ];
  if (md.results.length) {
    lines.push('| Rule | Result | Detail |', '| --- | --- | --- |', ...md.results.map((r) => `| ${r.rule} | ${r.pass ? 'pass' : '**fail**'} | ${mdText(r.detail)} |`));
  } else {
    lines.push('Every rule is disabled.');
  }
  const wasted = md.findings.filter((f) => f.kind === 'wastedFile').slice(0, 5);
  lines.push('', '### Largest wasted files', '');
  if (wasted.length) {
    lines.push('| Size | Path | Added at | Hidden at |', '| --- | --- | --- | --- |');
    for (const f of wasted) {
      const hidden = f.related?.at && md.dockerfile ? `${mdText(md.dockerfile)} line ${f.related.at.line}` : `layer ${(f.related?.layer ?? 0) + 1}`;
      lines.push(`| ${formatBytes(f.size ?? 0)} | ${mdText(f.path ?? '')} | ${where(f)} | ${hidden} |`);
    }
  } else {
    lines.push('None: no layer removes or overwrites what an earlier one added.');
  }
  // Rule failures and secrets one by one; wasted files counted (the largest are above, all in the SARIF).
  const listed = md.findings.filter((f) => f.kind !== 'wastedFile');
  const files = md.findings.length - listed.length;
  lines.push('', '### Findings', '');
  lines.push(...listed.map((f) => `- **${f.level}** ${f.ruleId} at ${where(f)}: ${mdText(f.message)}`));
  if (files) {
    lines.push(`- ${files} wasted file${files === 1 ? '' : 's'}${files > wasted.length ? `, the ${wasted.length} largest above` : ', above'}`);
  }
  if (md.findings.length === 0) {
    lines.push('None.');
  }
  lines.push('');
  return lines.join('\n');
}
