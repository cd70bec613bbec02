/**
 * strata diff A B [--json] [--platform OS/ARCH]: two images compared as the Compare panel
 * does (the shared band, bytes, the packages and configuration that differ, files), each
 * from any source. Two images on the engine
 * come in one export of both (their shared layers once); otherwise the second is read
 * knowing the first's layers, so from a registry only the layers that differ are fetched.
 */
import type { ImageArchive } from '../analysis/archiveReader';
import { readImageArchives } from '../analysis/archiveReader';
import { ImageAnalysis } from '../analysis/imageAnalysis';
import { type SemanticDiff, semanticDiff } from '../analysis/compare/semanticDiff';
import { configChangeName } from '../shared/configFields';
import { compareImages } from '../analysis/compare/imageCompare';
import { formatBytes } from '../shared/format';
import { InputError, REGISTRY_FLAGS, UsageError, out, parse } from './common/args';
import { CliImages, type ReadResult } from './readImages';

/** The packages and configuration that differ, as lines under the sizes and above the files. */
export function semanticLines(d: SemanticDiff): string[] {
  const lines: string[] = [];
  const p = d.packages;
  if (!d.packagesRead.a && !d.packagesRead.b) {
    lines.push('  packages: no package database found in either image');
  } else {
    lines.push(`  packages: ${p.added.length} added, ${p.removed.length} removed, ${p.upgraded.length} upgraded`);
    const arch = (a?: string) => (a ? ` ${a}` : '');
    for (const x of p.added) {
      lines.push(`    + ${x.name} ${x.version} (${x.ecosystem}${arch(x.arch)})`);
    }
    for (const x of p.removed) {
      lines.push(`    - ${x.name} ${x.version} (${x.ecosystem}${arch(x.arch)})`);
    }
    for (const x of p.upgraded) {
      lines.push(`    ~ ${x.name} ${x.from} -> ${x.to} (${x.ecosystem}${arch(x.arch)})`);
    }
  }
  lines.push(`  config: ${d.config.length === 0 ? 'the same (timestamps aside)' : `${d.config.length} change${d.config.length === 1 ? '' : 's'}`}`);
  for (const c of d.config) {
    const side = (v: string | undefined) => (v === undefined ? '(not set)' : c.field === 'exposedPorts' ? 'exposed' : v);
    lines.push(`    ${configChangeName(c)}: ${side(c.a)} -> ${side(c.b)}`);
  }
  return lines;
}

/** Which archive of an export of several images is `target`: by name, else by id, else by place. */
function pick(archives: ImageArchive[], target: string, id: string, index: number): ImageArchive | undefined {
  const named = (a: ImageArchive) => a.repoTags.some((t) => t === target || t === `docker.io/${target}` || t === `docker.io/library/${target}`);
  return archives.find(named) ?? archives.find((a) => a.configDigest === id) ?? archives[index];
}

/** Both images on the engine, from one export of both. */
async function fromOneExport(images: CliImages, a: string, b: string, platform: string | undefined): Promise<[ImageAnalysis, ImageAnalysis]> {
  const engine = await images.engine();
  const ids = await Promise.all([a, b].map(async (t) => (await (await images.source(t)).key?.()) ?? t));
  const preferPlatform = (await engine.capabilities()).platform;
  const archives = await readImageArchives(await engine.exportImages([a, b]), { hashContents: true, platform, preferPlatform });
  const found = [pick(archives, a, ids[0], 0), pick(archives, b, ids[1], 1)];
  if (!found[0] || !found[1]) {
    throw new InputError("the engine's export of both images did not hold both");
  }
  return [new ImageAnalysis(found[0]), new ImageAnalysis(found[1])];
}

export async function diff(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, platform: { type: 'string' }, ...REGISTRY_FLAGS }, true);
  if (positionals.length !== 2) {
    throw new UsageError('diff takes two images or archives');
  }
  const [a, b] = positionals;
  const platform = values.platform as string | undefined;
  const images = new CliImages(values);
  let pair: [ImageAnalysis, ImageAnalysis];
  let reads: ReadResult[] = [];
  try {
    const kinds = await Promise.all([a, b].map(async (t) => (await images.source(t)).kind));
    if (kinds.every((k) => k === 'engine')) {
      pair = await fromOneExport(images, a, b, platform);
    } else {
      // One after the other: the second knows the first's layers.
      reads = [await images.read(a), await images.read(b)];
      pair = [reads[0].analysis, reads[1].analysis];
    }
  } finally {
    await images.close();
  }
  const c = compareImages(pair[0], pair[1]);
  const semantic = semanticDiff(pair[0], pair[1]);
  const cost = reads.map((r) => ({ image: r.source.name, origin: r.source.origin, bytesRead: r.analysis.cost?.bytesRead ?? 0, blobsRead: r.analysis.cost?.blobsRead ?? 0 }));
  if (values.json) {
    out(JSON.stringify({ a, b, ...(cost.length ? { read: cost } : {}), summary: c.summary, sharedLayers: c.sharedLayers, semantic, differences: c.differences }, null, 2));
  } else {
    const s = c.summary;
    const side = (x: { size: number; layers: number }) => `${formatBytes(x.size)} in ${x.layers} layer${x.layers === 1 ? '' : 's'}`;
    out(`A: ${a}: ${side(s.a)}`);
    out(`B: ${b}: ${side(s.b)}`);
    out(`  shared: ${side(s.shared)} (the ${c.sharedLayers} bottom layers); only in A: ${side(s.onlyA)}; only in B: ${side(s.onlyB)}`);
    for (const r of cost) {
      out(`  read ${r.image} ${r.origin}: ${formatBytes(r.bytesRead)} in ${r.blobsRead} layer${r.blobsRead === 1 ? '' : 's'}`);
    }
    for (const line of semanticLines(semantic)) {
      out(line);
    }
    const counts = { added: 0, removed: 0, modified: 0 };
    for (const d of c.differences) {
      counts[d.kind]++;
    }
    out(`  files: ${counts.added} added, ${counts.removed} removed, ${counts.modified} modified`);
    for (const d of c.differences.slice(0, 20)) {
      const mark = d.kind === 'added' ? 'A' : d.kind === 'removed' ? 'D' : 'M';
      out(`  ${mark} ${`${d.delta >= 0 ? '+' : '-'}${formatBytes(Math.abs(d.delta))}`.padStart(10)}  /${d.path}${d.reasons.length ? `  (${d.reasons.join(', ')})` : ''}`);
    }
  }
  if (images.keepFailure) {
    throw images.keepFailure;
  }
  return 0;
}
