/**
 * strata analyze IMAGE [--json] [--ci …] [--platform OS/ARCH]: an image from any source
 * (an engine, an archive, an OCI layout, a registry), with dive's figures and CI rules.
 */
import { type CiThresholds, evaluateRules, parseByteSize, secretsRule } from '../analysis/ciRules';
import { imageSecrets, secretKindName } from '../analysis/secrets/imageSecrets';
import { formatBytes } from '../shared/format';
import { REGISTRY_FLAGS, UsageError, type Values, out, parse } from './args';
import { CliImages } from './readImages';
import { report } from './report';

export function thresholds(values: Values): CiThresholds {
  const number = (name: string) => {
    const v = values[name] as string | undefined;
    if (v === undefined) {
      return undefined;
    }
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      throw new UsageError(`--${name} must be a number, not "${v}"`);
    }
    return n;
  };
  const bytesText = values['highest-wasted-bytes'] as string | undefined;
  const bytes = bytesText === undefined ? undefined : parseByteSize(bytesText);
  if (bytesText !== undefined && bytes === undefined) {
    throw new UsageError(`--highest-wasted-bytes must be a size such as 20MB, not "${bytesText}"`);
  }
  return {
    lowestEfficiency: number('lowest-efficiency'),
    highestWastedBytes: bytes,
    highestUserWastedPercent: number('highest-user-wasted-percent'),
  };
}

/** `--secrets`: the rule is on unless `false` or `disabled` (dive's word for a rule turned off), as main's rules files read it. */
function secretsSetting(value: string | undefined): boolean {
  if (value === undefined || value === 'true') {
    return true;
  }
  if (value === 'false' || value === 'disabled') {
    return false;
  }
  throw new UsageError(`--secrets must be true, false or disabled; it is "${value}"`);
}

export async function analyze(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      ci: { type: 'boolean' },
      'lowest-efficiency': { type: 'string' },
      'highest-wasted-bytes': { type: 'string' },
      'highest-user-wasted-percent': { type: 'string' },
      secrets: { type: 'string' },
      platform: { type: 'string' },
      ...REGISTRY_FLAGS,
    },
    true,
  );
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    throw new UsageError(target ? `analyze takes one image or archive, not ${positionals.length}` : 'analyze needs an image: a name on the engine, an archive file, oci-layout://PATH or registry://HOST/REPO:TAG');
  }
  const rules = thresholds(values);
  const secretsRuleOn = secretsSetting(values.secrets as string | undefined);
  const images = new CliImages(values);
  let read;
  try {
    read = await images.read(target);
  } finally {
    await images.close();
  }
  const { analysis, source } = read;
  const ci = Boolean(values.ci);
  const secrets = imageSecrets(analysis);
  const results = ci ? [...evaluateRules(analysis.metrics, rules), ...(secretsRuleOn ? [secretsRule(secrets)] : [])] : [];
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
          ...(ci ? { rules: results } : {}),
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
      for (const r of results) {
        out(`  ${r.pass ? 'PASS' : 'FAIL'}: ${r.rule}: ${r.detail}`);
      }
      if (results.length === 0) {
        out('  (no rule given: --lowest-efficiency, --highest-wasted-bytes, --highest-user-wasted-percent; --secrets disabled)');
      }
    }
  }
  if (images.keepFailure) {
    throw images.keepFailure;
  }
  return results.some((r) => !r.pass) ? 1 : 0;
}
