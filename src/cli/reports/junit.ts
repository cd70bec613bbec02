/**
 * The CI rules as JUnit XML, which CI services show as tests (GitLab's junit report,
 * Jenkins, Azure Pipelines): one testsuite per image, one testcase per rule, a failure
 * with the rule's detail and where it comes from; wasted files and secrets are in the
 * suite's system-out.
 */
import type { RuleResult } from '../../analysis/ciRules';
import type { ImageMetrics } from '../../analysis/diveMetrics';
import type { Finding } from './findings';

/** Text as XML: the five entities, and the control characters XML 1.0 cannot hold dropped. */
export function xmlText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface JunitInput {
  image: string;
  metrics: ImageMetrics;
  results: RuleResult[];
  findings: Finding[];
  dockerfile?: string;
  timestamp: Date;
}

export function buildJunit(j: JunitInput): string {
  const failures = j.results.filter((r) => !r.pass).length;
  const where = (f: Finding | undefined) => (f?.at && j.dockerfile ? ` (${j.dockerfile} line ${f.at.line})` : f?.layer !== undefined ? ` (layer ${f.layer + 1})` : '');
  const cases = j.results.map((r) => {
    const open = `    <testcase name="${xmlText(r.rule)}" classname="${xmlText(`strata.${j.image}`)}" time="0"`;
    if (r.pass) {
      return `${open}/>`;
    }
    const finding = j.findings.find((f) => f.kind === 'rule' && f.ruleId === r.rule);
    return `${open}>\n      <failure message="${xmlText(r.detail)}" type="${xmlText(r.rule)}">${xmlText(`${r.rule} failed: ${r.detail}${where(finding)}`)}</failure>\n    </testcase>`;
  });
  const others = j.findings.filter((f) => f.kind !== 'rule').map((f) => `${f.level}: ${f.message}`);
  const m = j.metrics;
  const props: Array<[string, string | number]> = [
    ['efficiency', m.efficiency],
    ['wastedBytes', m.wastedBytes],
    ['wastedUserPercent', m.wastedUserPercent],
    ['sizeBytes', m.sizeBytes],
    ['layers', m.layerSizes.length],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="strata" tests="${j.results.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${xmlText(j.image)}" tests="${j.results.length}" failures="${failures}" errors="0" skipped="0" time="0" timestamp="${j.timestamp.toISOString().replace(/\.\d+Z$/, '')}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${k}" value="${xmlText(String(v))}"/>`),
    '    </properties>',
    ...cases,
    ...(others.length ? [`    <system-out>${xmlText(others.join('\n'))}</system-out>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
