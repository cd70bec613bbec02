/**
 * The CLI's reports (src/cli/reports): the GitHub annotation escaping, findings located on
 * Dockerfile lines from an image's history, the SARIF builder against the official schema,
 * JUnit read back by an XML parser, the Markdown's tables.
 */
import * as assert from 'assert';
import { XMLParser } from 'fast-xml-parser';
import type { RuleResult } from '../../../src/analysis/ciRules';
import type { ImageMetrics } from '../../../src/analysis/diveMetrics';
import { parseDockerfile } from '../../../src/analysis/dockerfile/dockerfile';
import { linesOfImage } from '../../../src/analysis/dockerfile/imageLines';
import type { LayerWaste } from '../../../src/analysis/layerWaste';
import { annotations, escapeData, escapeProperty } from '../../../src/cli/reports/annotations';
import { collectFindings, type SecretFinding } from '../../../src/cli/reports/findings';
import { buildJunit } from '../../../src/cli/reports/junit';
import { buildMarkdown } from '../../../src/cli/reports/markdown';
import { buildSarif } from '../../../src/cli/reports/sarif';
import { sarifErrors } from '../../harness/fixtures/sarif/sarifSchema';

// Line numbers (1-based) written down here, and checked against what the reports say.
const DOCKERFILE = [
  'FROM scratch', // 1
  'COPY busybox /bin/busybox', // 2
  '# the big file', // 3
  'RUN dd if=/dev/zero of=/big bs=1k count=100 && \\', // 4
  '    echo made', // 5
  'ENV A=1', // 6
  'RUN rm /big', // 7
].join('\n');

// The legacy builder's history for it (base first): layers 0 (COPY), 1 (dd), 2 (rm).
const HISTORY = [
  { created_by: '/bin/sh -c #(nop) COPY file:0123abcd in /bin/busybox ' },
  { created_by: '/bin/sh -c dd if=/dev/zero of=/big bs=1k count=100 &&     echo made' },
  { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
  { created_by: '/bin/sh -c rm /big' },
];

const METRICS: ImageMetrics = {
  sizeBytes: 1_102_400,
  userSizeBytes: 102_400,
  layerSizes: [1_000_000, 102_400, 0],
  efficiency: 0.5,
  wastedBytes: 102_400,
  wastedUserPercent: 1,
  wastedPaths: [],
};
const WASTE: LayerWaste = { wasted: [0, 102_400, 0], files: [1, 1, 0], removed: [0, 0, 1], findings: [{ path: '/big', size: 102_400, addedIn: 1, hiddenIn: 2, how: 'removed' }] };
const RESULTS: RuleResult[] = [
  { rule: 'lowestEfficiency', pass: false, detail: 'efficiency 0.5000 (lowest allowed 0.9)' },
  { rule: 'maxLayers', pass: true, detail: '3 layers (most allowed 5)' },
];

function found(withDockerfile: boolean, secrets: SecretFinding[] = []) {
  const lines = withDockerfile ? linesOfImage(parseDockerfile(DOCKERFILE), HISTORY) : undefined;
  return collectFindings({ metrics: METRICS, results: RESULTS, waste: WASTE, secrets, dockerfile: lines ? { uri: 'app/Dockerfile', lines } : undefined });
}

describe('CLI reports', function () {
  // Compiling the 110 kB SARIF schema took 3 s on a loaded machine: past mocha's unit default.
  this.timeout(30_000);
  it('GitHub annotations escape %, CR and LF in data, and : and , too in properties (as actions/toolkit)', () => {
    assert.strictEqual(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
    assert.strictEqual(escapeProperty('Strata: a,b%\n'), 'Strata%3A a%2Cb%25%0A');
    const lines = annotations(found(true).findings, 'app/Dock,er:file');
    assert.deepStrictEqual(lines[0].split('::')[1], 'error file=app/Dock%2Cer%3Afile,line=4,endLine=5,title=Strata%3A lowestEfficiency');
    assert.match(lines[1], /^::warning file=app\/Dock%2Cer%3Afile,line=4,endLine=5,title=Strata%3A wastedFile::\/big \(102 kB\) added at line 4 is removed at line 7/);
    assert.strictEqual(annotations(found(false).findings, undefined)[0].split('::')[1], 'error title=Strata%3A lowestEfficiency');
  });

  it('an image is matched to its Dockerfile: each layer on the line that made it, an empty step on none', () => {
    const lines = linesOfImage(parseDockerfile(DOCKERFILE), HISTORY);
    assert.ok(lines?.match.complete);
    assert.deepStrictEqual(lines.layers.map((i) => i && [i.line + 1, i.endLine + 1]), [[2, 2], [4, 5], [7, 7]]);
    assert.strictEqual(linesOfImage(parseDockerfile('FROM scratch\nRUN echo other\nRUN echo else\n'), HISTORY), undefined);
  });

  it('SARIF: valid against the SARIF 2.1.0 schema; the rule and the wasted file on the line that added the bytes, the removal related', () => {
    const log = buildSarif({ image: 'app:1', dockerfile: 'app/Dockerfile', cwd: '/work/repo', version: '1.2.3' }, found(true, [{ kind: 'AWS access key', path: '/etc/key', layer: 2, fingerprint: 'ab12cd34' }]));
    assert.strictEqual(sarifErrors(log), '');
    const run = log.runs[0];
    assert.deepStrictEqual(run.tool.driver.rules?.map((r) => r.id), ['lowestEfficiency', 'highestWastedBytes', 'highestUserWastedPercent', 'maxImageSize', 'maxLayers', 'secrets', 'wastedFile', 'secret']);
    assert.deepStrictEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///work/repo/' } });
    const at = (i: number) => run.results?.[i].locations?.[0].physicalLocation;
    assert.deepStrictEqual(run.results?.map((r) => [r.ruleId, r.level, at(run.results?.indexOf(r) ?? 0)?.region?.startLine]), [
      ['lowestEfficiency', 'error', 4],
      ['wastedFile', 'warning', 4],
      ['secret', 'error', 7],
    ]);
    assert.deepStrictEqual(at(1)?.artifactLocation, { uri: 'app/Dockerfile', uriBaseId: '%SRCROOT%' });
    assert.strictEqual(run.results?.[1].relatedLocations?.[0].physicalLocation?.region?.startLine, 7);
    // A secret says its fingerprint, never a value (it has none to say).
    assert.deepStrictEqual(run.results?.[2].partialFingerprints, { secretFingerprint: 'ab12cd34' });
  });

  it('SARIF without a Dockerfile: located on the image (logical location; its file when an archive), still valid; the schema does reject a broken log', () => {
    const log = buildSarif({ image: 'images/app one.tar', imageFile: 'images/app one.tar', cwd: '/work/repo', version: '1.2.3' }, found(false));
    assert.strictEqual(sarifErrors(log), '');
    const loc = log.runs[0].results?.[0].locations?.[0];
    assert.deepStrictEqual(loc?.logicalLocations, [{ name: 'images/app one.tar layer 2', fullyQualifiedName: 'images/app one.tar layer 2', kind: 'image' }]);
    assert.deepStrictEqual(loc?.physicalLocation?.artifactLocation, { uri: 'images/app%20one.tar', uriBaseId: '%SRCROOT%' });
    const broken = JSON.parse(JSON.stringify(log)) as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0].results[0].level = 'fatal';
    assert.match(sarifErrors(broken), /level/);
  });

  it('JUnit: one testsuite, one testcase per rule, the failure with its detail and line; text escaped', () => {
    const xml = buildJunit({ image: 'app:<1>&"x"', metrics: METRICS, results: RESULTS, findings: found(true).findings, dockerfile: 'Dockerfile', timestamp: new Date(0) });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { testsuite: { name: string; tests: string; failures: string; testcase: Array<{ name: string; failure?: { message: string; '#text': string } }> } };
    };
    const suite = doc.testsuites.testsuite;
    assert.deepStrictEqual([suite.name, suite.tests, suite.failures], ['app:<1>&"x"', '2', '1']);
    assert.deepStrictEqual(suite.testcase.map((c) => [c.name, c.failure?.message]), [['lowestEfficiency', 'efficiency 0.5000 (lowest allowed 0.9)'], ['maxLayers', undefined]]);
    assert.match(suite.testcase[0].failure?.['#text'] ?? '', /\(Dockerfile line 4\)$/);
  });

  it('Markdown: the figures, the rules table, the wasted files; a | in a path does not make a new cell', () => {
    const findings = found(true).findings.map((f) => (f.path ? { ...f, path: '/a|b' } : f));
    const md = buildMarkdown({ image: 'app:1', metrics: METRICS, results: RESULTS, findings, dockerfile: 'Dockerfile' });
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).map((l) => l.slice(2, -2).split(/(?<!\\) \| /));
    assert.deepStrictEqual(rows.find((r) => r[0] === 'lowestEfficiency'), ['lowestEfficiency', '**fail**', 'efficiency 0.5000 (lowest allowed 0.9)']);
    assert.deepStrictEqual(rows.find((r) => r[0] === '102 kB'), ['102 kB', '/a\\|b', 'Dockerfile line 4', 'Dockerfile line 7']);
    assert.deepStrictEqual(rows.find((r) => r[0] === 'Efficiency'), ['Efficiency', '50.00 %']);
  });
});
