/**
 * strata analyze IMAGE [--json] [--ci …] [--platform OS/ARCH]: an image from any source
 * (an engine, an archive, an OCI layout, a registry), with dive's figures and CI rules, and
 * with --ci the reports (SARIF, JUnit, Markdown, GitHub annotations) of what they found.
 */
import { evaluateRules, secretsRule } from '../analysis/ciRules';
import { imageSecrets, secretKindName } from '../analysis/imageSecrets';
import { formatBytes } from '../shared/format';
import { REGISTRY_FLAGS, UsageError, out, parse } from './common/args';
import { RULE_FLAGS, readRulesFile, resolveThresholds, rulesFileNotes, settingsFromFlags } from './ci/rulesFile';
import { readOnce } from './readImages';
import { REPORT_FLAGS, planReports, writeReports } from './reports/writeReports';
import { report } from './report';

export async function analyze(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      ci: { type: 'boolean' },
      'ci-config': { type: 'string' },
      ...RULE_FLAGS,
      ...REPORT_FLAGS,
      platform: { type: 'string' },
      ...REGISTRY_FLAGS,
    },
    true,
  );
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    throw new UsageError(target ? `analyze takes one image or archive, not ${positionals.length}` : 'analyze needs an image: a name on the engine, an archive file, oci-layout://PATH or registry://HOST/REPO:TAG');
  }
  const ci = Boolean(values.ci);
  const flagRules = settingsFromFlags(values);
  if (!ci && (values['ci-config'] !== undefined || Object.keys(flagRules).length > 0)) {
    throw new UsageError('rules and --ci-config apply with --ci');
  }
  // The file is read (and any mistake in it said) before an image is: a pipeline fails fast.
  const rulesFile = ci ? readRulesFile(process.cwd(), values['ci-config'] as string | undefined) : undefined;
  rulesFileNotes(rulesFile);
  const rules = resolveThresholds(rulesFile?.settings ?? {}, flagRules);
  // The Dockerfile and the reports' folders too: checked before the image is read. No
  // annotations with --json, whose stdout is one JSON document.
  const reports = planReports(values, ci, process.cwd(), values.json ? { ...process.env, GITHUB_ACTIONS: undefined } : process.env);
  const { analysis, source, keepFailure } = await readOnce(values, target);
  const secrets = imageSecrets(analysis);
  const results = ci ? [...evaluateRules(analysis.metrics, rules), ...(rules.secrets === true ? [secretsRule(secrets)] : [])] : [];
  const cost = analysis.cost;
  if (values.json) {
    const { wastedPaths, ...metrics } = analysis.metrics;
    out(
      JSON.stringify(
        {
          image: target,
          source: { kind: source.kind, name: source.name, origin: source.origin, ...(cost ? { bytesRead: cost.bytesRead, blobsRead: cost.blobsRead, fromCache: cost.fromKept } : {}) },
          repoTags: analysis.repoTags,
          platform: analysis.platform ?? null,
          platforms: analysis.platforms,
          attestations: analysis.attestations,
          ...metrics,
          layers: analysis.layers,
          wastedPaths: wastedPaths.slice(0, 20),
          // Kinds, paths, layers and fingerprints: a secret's value is never written.
          secrets: secrets.map((s) => ({ ...s, name: secretKindName(s.kind) })),
          ...(ci ? { rules: results, rulesFile: rulesFile?.file ?? null, thresholds: rules } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    report(target, analysis, secrets);
    out(`  read ${source.origin}: ${cost?.fromKept ? 'kept from an earlier analysis, nothing read' : `${formatBytes(cost?.bytesRead ?? 0)} in ${cost?.blobsRead ?? 0} layer${cost?.blobsRead === 1 ? '' : 's'}`}`);
    if (ci) {
      out('');
      out(`CI rules (${rulesFile ? `from ${rulesFile.file}, ` : ''}defaults otherwise; flags first):`);
      for (const r of results) {
        out(`  ${r.pass ? 'PASS' : 'FAIL'}: ${r.rule}: ${r.detail}`);
      }
      if (results.length === 0) {
        out('  (every rule disabled)');
      }
    }
  }
  // Written whenever the analysis ran, a failed rule included: that is when they are read.
  // Kinds, paths, layers and fingerprints only: a secret's value never reaches a report.
  writeReports(reports, target, analysis, results, rules.maxLayers, secrets.map((s) => ({ kind: secretKindName(s.kind), path: s.path, layer: s.layer, fingerprint: s.fingerprint })));
  if (keepFailure) {
    throw keepFailure;
  }
  return results.some((r) => !r.pass) ? 1 : 0;
}
