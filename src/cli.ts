/**
 * Command-line entry for pipelines: the same code as the extension, no VS Code.
 *   strata images [--json] [--all]
 *   strata analyze <image-or-archive.tar> [--json] [--ci --lowest-efficiency 0.95
 *                  --highest-wasted-bytes 20MB --highest-user-wasted-percent 0.2]
 *   strata engines [--json]
 * Every command takes --context NAME or --host URL; without them the engine is the docker
 * CLI's (DOCKER_HOST, DOCKER_CONTEXT, the current context, the first socket that answers).
 * Exit codes: 0 done (and every CI rule passed), 1 a CI rule failed, 2 bad input.
 */
import * as fs from 'fs';
import type { Readable } from 'stream';
import { parseArgs } from 'util';
import { type ImageArchive, readImageArchive, readImageArchives } from './analysis/archiveReader';
import { compareImages } from './analysis/imageCompare';
import { type CiThresholds, evaluateRules, parseByteSize } from './analysis/ciRules';
import { ImageAnalysis } from './analysis/imageAnalysis';
import { answers, engineFromFlags, probeCandidate } from './engine/activeEngine';
import { parseBuildStep } from './model/buildStep';
import type { Engine } from './engine/api/engine';
import { chooseActiveEngine, discoverEngines } from './engine/connect/engineDiscovery';
import { statusCode } from './engine/api/engineError';
import { formatAge, formatBytes, shortId } from './shared/format';
import { toImageEntries } from './model/images';
import { SIZE_NAMES, imagePlatforms, imageSizes } from './model/imageSizes';

const USAGE = `usage:
  strata images [--json] [--all]
  strata analyze <image-or-archive.tar> [--json] [--ci] [--platform OS/ARCH] [--lowest-efficiency N]
                 [--highest-wasted-bytes SIZE] [--highest-user-wasted-percent N]
  strata diff <image-or-archive A> <image-or-archive B> [--json] [--platform OS/ARCH]
  strata engines [--json]
every command: [--context NAME | --host URL]  (unix://, tcp://, ssh://user@host)`;

class UsageError extends Error {}

/** An input the command cannot use (no such file, no such image): its sentence, exit code 2. */
class InputError extends Error {}

/** An input that could not be read (an archive, an image, the engine): its sentence on stderr, exit code 2. A usage error goes on to the caller. */
function inputFailure(err: unknown): number {
  if (err instanceof UsageError) {
    throw err;
  }
  process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
  return 2;
}

const ENGINE_FLAGS = {
  context: { type: 'string' },
  host: { type: 'string', short: 'H' },
} as const;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

type Flags = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** util.parseArgs with the engine flags added; its complaints become usage errors. */
function parse(args: string[], options: Flags, positionals = false): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...ENGINE_FLAGS, ...options }, allowPositionals: positionals, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function engineFrom(values: Record<string, string | boolean | undefined>): Promise<Engine> {
  if (values.context && values.host) {
    throw new UsageError('give --context or --host, not both');
  }
  return engineFromFlags({ context: values.context as string | undefined, host: values.host as string | undefined });
}

async function images(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  const engine = await engineFrom(values);
  let list;
  let platform: string;
  try {
    list = await engine.listImages({ sharedSize: true });
    platform = (await engine.capabilities()).platform;
  } catch (err) {
    process.stderr.write(`strata: ${engine.describeError(err).message}\n`);
    return 2;
  } finally {
    engine.dispose();
  }
  const entries = toImageEntries(list, { showDangling: Boolean(values.all) });
  const rows = entries.map((e) => ({ entry: e, sizes: imageSizes(e.image, platform), platforms: imagePlatforms(e.image) }));
  if (values.json) {
    out(
      JSON.stringify(
        rows.map(({ entry: e, sizes, platforms }) => ({
          reference: e.reference,
          id: e.image.id,
          // Named as everywhere in Strata (src/shared/sizeNames.ts).
          sizes: { [SIZE_NAMES.unpacked]: sizes.unpacked, [SIZE_NAMES.content]: sizes.content ?? null, [SIZE_NAMES.shared]: sizes.shared ?? null },
          ...(platforms.length ? { platform: sizes.platform, platforms } : {}),
          created: e.image.created.toISOString(),
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  const content = rows.some((r) => r.sizes.content !== undefined);
  out(['IMAGE', 'ID', SIZE_NAMES.unpacked.toUpperCase(), ...(content ? [SIZE_NAMES.content.toUpperCase()] : []), 'CREATED'].join('\t'));
  for (const { entry: e, sizes, platforms } of rows) {
    const more = platforms.length > 1 ? `\t${platforms.length} platforms` : '';
    out([e.reference, shortId(e.image.id), formatBytes(sizes.unpacked), ...(content ? [sizes.content === undefined ? '-' : formatBytes(sizes.content)] : []), formatAge(e.image.created)].join('\t') + more);
  }
  return 0;
}

/** Every engine a user could mean, checked in parallel, and which one is active. */
async function engines(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  if (values.context || values.host) {
    throw new UsageError('engines lists every engine; --context and --host do not apply');
  }
  const discovery = discoverEngines();
  const [choice, results] = await Promise.all([
    chooseActiveEngine(discovery, undefined, (e) => answers(e)),
    Promise.all(discovery.candidates.map((c) => probeCandidate(c))),
  ]);
  const activeId = choice.candidate.id;
  const rows = discovery.candidates.map((c, i) => {
    const r = results[i];
    return {
      name: c.name,
      origin: c.origin,
      source: c.source,
      url: c.endpoint?.url ?? null,
      active: c.id === activeId || c.aliases.includes(activeId),
      answers: r.ok,
      kind: r.ok ? r.identity.kind : undefined,
      version: r.ok ? r.identity.version : undefined,
      apiVersion: r.ok ? r.identity.apiVersion : undefined,
      problem: r.ok ? undefined : r.problem.message,
    };
  });
  const activeListed = rows.some((r) => r.active);
  if (values.json) {
    out(JSON.stringify({ active: { name: choice.candidate.name, reason: choice.reason, ...(choice.candidate.problem ? { problem: choice.candidate.problem } : {}) }, engines: rows }, null, 2));
  } else {
    for (const r of rows) {
      const state = r.answers ? `✓ ${r.kind === 'podman' ? 'Podman' : 'Docker'} ${r.version}` : `✗ ${r.problem}`;
      out(`${r.active ? '*' : ' '} ${r.name}\t${r.origin}\t${r.url ?? ''}\t${state}`);
    }
    if (!activeListed) {
      out(`* ${choice.candidate.name}\t${choice.candidate.origin}\t\t✗ ${choice.candidate.problem ?? ''}`);
    }
    for (const note of discovery.notes) {
      process.stderr.write(`strata: ${note}\n`);
    }
  }
  return 0;
}

function thresholds(values: Record<string, string | boolean | undefined>): CiThresholds {
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

async function openInput(target: string, engine: () => Promise<Engine>, platform?: string): Promise<Readable> {
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
    return fs.createReadStream(target);
  }
  if (/\.tar$/i.test(target) && !fs.existsSync(target)) {
    throw new InputError(`${target} does not exist`);
  }
  const e = await engine();
  try {
    await e.inspectImage(target);
    return await e.exportImage(target, platform);
  } catch (err) {
    throw new InputError(statusCode(err) === 404 ? `no image named ${target} on ${e.name}, and no file of that name` : e.describeError(err).message);
  }
}

function report(target: string, a: ImageAnalysis): void {
  const m = a.metrics;
  out(`Image: ${target}${a.repoTags.length ? ` (${a.repoTags.join(', ')})` : ''}`);
  if (a.platforms.length > 1 || a.attestations.length) {
    const others = a.platforms.filter((p) => p.platform !== a.platform).map((p) => `${p.platform}${p.present ? '' : ' (listed only)'}`);
    out(`  platform ${a.platform ?? '?'}${others.length ? ` (also ${others.join(', ')})` : ''}${a.attestations.length ? `; attestations: ${a.attestations.join(', ')} (not layers)` : ''}`);
  }
  out(`  ${a.layers.length} layers, ${SIZE_NAMES.files} ${formatBytes(m.sizeBytes)} (${m.sizeBytes} bytes), user size ${formatBytes(m.userSizeBytes)}`);
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
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      ci: { type: 'boolean' },
      'lowest-efficiency': { type: 'string' },
      'highest-wasted-bytes': { type: 'string' },
      'highest-user-wasted-percent': { type: 'string' },
      platform: { type: 'string' },
    },
    true,
  );
  const platform = values.platform as string | undefined;
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    throw new UsageError(target ? `analyze takes one image or archive, not ${positionals.length}` : 'analyze needs an image name or an archive file');
  }
  const rules = thresholds(values);
  let analysis: ImageAnalysis;
  let engine: Engine | undefined;
  try {
    const input = await openInput(target, async () => (engine = await engineFrom(values)), platform);
    // An image on the engine: the platform it runs, unless --platform says; an archive: --platform, else its only one.
    const preferPlatform = engine ? (await engine.capabilities()).platform : undefined;
    analysis = new ImageAnalysis(await readImageArchive(input, { platform, preferPlatform }));
  } catch (err) {
    return inputFailure(err);
  } finally {
    engine?.dispose();
  }
  const ci = Boolean(values.ci);
  const results = ci ? evaluateRules(analysis.metrics, rules) : [];
  if (values.json) {
    const { wastedPaths, ...metrics } = analysis.metrics;
    out(
      JSON.stringify(
        {
          image: target,
          repoTags: analysis.repoTags,
          platform: analysis.platform ?? null,
          platforms: analysis.platforms,
          attestations: analysis.attestations,
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

const isArchive = (target: string) => fs.existsSync(target) && fs.statSync(target).isFile();

/** Which archive of an export of several images is `target`: by name, else by id, else by place. */
function pick(archives: ImageArchive[], target: string, id: string, index: number): ImageArchive | undefined {
  const named = (a: ImageArchive) => a.repoTags.some((t) => t === target || t === `docker.io/${target}` || t === `docker.io/library/${target}`);
  return archives.find(named) ?? archives.find((a) => a.configDigest === id) ?? archives[index];
}

/** Two images (or archives) compared as the Compare panel does: shared band, bytes, files. */
async function diff(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, platform: { type: 'string' } }, true);
  if (positionals.length !== 2) {
    throw new UsageError('diff takes two images or archives');
  }
  const [a, b] = positionals;
  const platform = values.platform as string | undefined;
  let engine: Engine | undefined;
  let pair: [ImageAnalysis, ImageAnalysis];
  try {
    if (!isArchive(a) && !isArchive(b)) {
      // Both on the engine: one export of both, so the layers they share are read once.
      engine = await engineFrom(values);
      const e = engine;
      const ids = await Promise.all(
        [a, b].map((t) =>
          e.inspectImage(t).then(
            (i) => i.Id,
            (err: unknown) => {
              throw new InputError(statusCode(err) === 404 ? `no image named ${t} on ${e.name}, and no file of that name` : e.describeError(err).message);
            },
          ),
        ),
      );
      const preferPlatform = (await e.capabilities()).platform;
      const archives = await readImageArchives(await e.exportImages([a, b]), { hashContents: true, platform, preferPlatform });
      const found = [pick(archives, a, ids[0], 0), pick(archives, b, ids[1], 1)];
      if (!found[0] || !found[1]) {
        throw new InputError('the engine\'s export of both images did not hold both');
      }
      pair = [new ImageAnalysis(found[0]), new ImageAnalysis(found[1])];
    } else {
      const read = async (t: string) =>
        new ImageAnalysis(
          await readImageArchive(await openInput(t, async () => (engine ??= await engineFrom(values)), platform), {
            hashContents: true,
            platform,
            preferPlatform: engine ? (await engine.capabilities()).platform : undefined,
          }),
        );
      pair = [await read(a), await read(b)];
    }
  } catch (err) {
    return inputFailure(err);
  } finally {
    engine?.dispose();
  }
  const c = compareImages(pair[0], pair[1]);
  if (values.json) {
    out(JSON.stringify({ a, b, summary: c.summary, sharedLayers: c.sharedLayers, differences: c.differences }, null, 2));
    return 0;
  }
  const s = c.summary;
  const side = (x: { size: number; layers: number }) => `${formatBytes(x.size)} in ${x.layers} layer${x.layers === 1 ? '' : 's'}`;
  out(`A: ${a}: ${side(s.a)}`);
  out(`B: ${b}: ${side(s.b)}`);
  out(`  shared: ${side(s.shared)} (the ${c.sharedLayers} bottom layers); only in A: ${side(s.onlyA)}; only in B: ${side(s.onlyB)}`);
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const d of c.differences) {
    counts[d.kind]++;
  }
  out(`  files: ${counts.added} added, ${counts.removed} removed, ${counts.modified} modified`);
  for (const d of c.differences.slice(0, 20)) {
    const mark = d.kind === 'added' ? 'A' : d.kind === 'removed' ? 'D' : 'M';
    out(`  ${mark} ${`${d.delta >= 0 ? '+' : '-'}${formatBytes(Math.abs(d.delta))}`.padStart(10)}  /${d.path}${d.reasons.length ? `  (${d.reasons.join(', ')})` : ''}`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'images':
        return await images(rest);
      case 'analyze':
        return await analyze(rest);
      case 'diff':
        return await diff(rest);
      case 'engines':
        return await engines(rest);
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
