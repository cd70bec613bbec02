/**
 * Command-line entry for pipelines: the same code as the extension, no VS Code.
 *   strata images [--json] [--all]
 *   strata analyze <image-or-archive.tar> [--json] [--ci --lowest-efficiency 0.95
 *                  --highest-wasted-bytes 20MB --highest-user-wasted-percent 0.2]
 * Exit codes: 0 done (and every CI rule passed), 1 a CI rule failed, 2 bad input.
 */
import * as fs from 'fs';
import type { Readable } from 'stream';
import { ArchiveError, readImageArchive } from './analysis/archiveReader';
import { type CiThresholds, evaluateRules, parseByteSize } from './analysis/ciRules';
import { ImageAnalysis } from './analysis/imageAnalysis';
import { parseBuildStep } from './engine/buildStep';
import { DockerEngine } from './engine/dockerEngine';
import { describeEngineError } from './engine/engineError';
import { formatAge, formatBytes, shortId } from './engine/format';
import { toImageEntries } from './engine/images';

const USAGE = `usage:
  strata images [--json] [--all]
  strata analyze <image-or-archive.tar> [--json] [--ci] [--lowest-efficiency N]
                 [--highest-wasted-bytes SIZE] [--highest-user-wasted-percent N]`;

class UsageError extends Error {}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function images(args: string[]): Promise<number> {
  const engine = new DockerEngine();
  let list;
  try {
    list = await engine.listImages();
  } catch (err) {
    process.stderr.write(`${describeEngineError(err, engine.endpoint).message}\n`);
    return 2;
  }
  const entries = toImageEntries(list, { showDangling: args.includes('--all') });
  if (args.includes('--json')) {
    out(JSON.stringify(entries.map((e) => ({ reference: e.reference, id: e.image.id, size: e.image.size, created: e.image.created.toISOString() })), null, 2));
    return 0;
  }
  for (const e of entries) {
    out(`${e.reference}\t${shortId(e.image.id)}\t${formatBytes(e.image.size)}\t${formatAge(e.image.created)}`);
  }
  return 0;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) {
    return undefined;
  }
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    throw new UsageError(`${name} needs a value`);
  }
  return value;
}

function thresholds(args: string[]): CiThresholds {
  const number = (name: string) => {
    const v = option(args, name);
    if (v === undefined) {
      return undefined;
    }
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      throw new UsageError(`${name} must be a number, not "${v}"`);
    }
    return n;
  };
  const bytesText = option(args, '--highest-wasted-bytes');
  const bytes = bytesText === undefined ? undefined : parseByteSize(bytesText);
  if (bytesText !== undefined && bytes === undefined) {
    throw new UsageError(`--highest-wasted-bytes must be a size such as 20MB, not "${bytesText}"`);
  }
  return {
    lowestEfficiency: number('--lowest-efficiency'),
    highestWastedBytes: bytes,
    highestUserWastedPercent: number('--highest-user-wasted-percent'),
  };
}

async function openInput(target: string): Promise<Readable> {
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
    return fs.createReadStream(target);
  }
  if (/\.tar$/i.test(target) && !fs.existsSync(target)) {
    throw new ArchiveError(`${target} does not exist`);
  }
  const engine = new DockerEngine();
  try {
    await engine.inspectImage(target);
    return await engine.exportImage(target);
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    throw new ArchiveError(
      status === 404 ? `no image named ${target} on the engine, and no file of that name` : describeEngineError(err, engine.endpoint).message,
    );
  }
}

function report(target: string, a: ImageAnalysis): void {
  const m = a.metrics;
  out(`Image: ${target}${a.repoTags.length ? ` (${a.repoTags.join(', ')})` : ''}`);
  out(`  ${a.layers.length} layers, ${formatBytes(m.sizeBytes)} (${m.sizeBytes} bytes), user size ${formatBytes(m.userSizeBytes)}`);
  out(`  efficiency: ${(m.efficiency * 100).toFixed(4)} %`);
  out(`  wasted: ${formatBytes(m.wastedBytes)} (${m.wastedBytes} bytes), ${(m.wastedUserPercent * 100).toFixed(2)} % of the user size`);
  out('');
  out('Layers (base first):');
  for (const l of a.layers) {
    const c = l.counts;
    out(`  ${String(l.index + 1).padStart(3)}  ${formatBytes(l.size).padStart(9)}  +${c.added} ~${c.modified} -${c.removed}  ${l.createdBy === undefined ? '' : parseBuildStep(l.createdBy).text.slice(0, 80)}`);
  }
  if (m.wastedPaths.length) {
    out('');
    out('Top wasted paths:');
    for (const w of m.wastedPaths.slice(0, 10)) {
      out(`  ${formatBytes(w.cumulativeSize).padStart(9)}  ${w.count}×  ${w.path}`);
    }
  }
}

async function analyze(args: string[]): Promise<number> {
  const target = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && args[i - 1] !== '--json' && args[i - 1] !== '--ci'));
  if (!target) {
    throw new UsageError('analyze needs an image name or an archive file');
  }
  const rules = thresholds(args);
  let analysis: ImageAnalysis;
  try {
    analysis = new ImageAnalysis(await readImageArchive(await openInput(target)));
  } catch (err) {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const ci = args.includes('--ci');
  const results = ci ? evaluateRules(analysis.metrics, rules) : [];
  if (args.includes('--json')) {
    const { wastedPaths, ...metrics } = analysis.metrics;
    out(
      JSON.stringify(
        {
          image: target,
          repoTags: analysis.repoTags,
          ...metrics,
          layers: analysis.layers,
          wastedPaths: wastedPaths.slice(0, 20),
          ...(ci ? { rules: results } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    report(target, analysis);
    if (ci) {
      out('');
      for (const r of results) {
        out(`  ${r.pass ? 'PASS' : 'FAIL'}: ${r.rule}: ${r.detail}`);
      }
      if (results.length === 0) {
        out('  (no rule given: --lowest-efficiency, --highest-wasted-bytes, --highest-user-wasted-percent)');
      }
    }
  }
  return results.some((r) => !r.pass) ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'images':
        return await images(rest);
      case 'analyze':
        return await analyze(rest);
      case undefined:
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`strata: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
