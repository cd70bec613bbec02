/**
 * strata sbom IMAGE [--format cyclonedx|spdx|table] [--platform OS/ARCH]: the packages
 * installed in an image from any source, each with its purl, licence and the layer that
 * installed it, as CycloneDX 1.6 JSON, SPDX 2.3 JSON or a table to read. The packages come
 * from the package databases read in the one pass over the layers. With SOURCE_DATE_EPOCH set,
 * the same image gives the same document byte for byte.
 */
import { cycloneDxJson } from '../analysis/sbom/cycloneDx';
import { type ImageInventory, documentIdentity, imageInventory } from '../analysis/sbom/inventory';
import { spdxDocument } from '../analysis/sbom/spdx';
import { formatBytes } from '../shared/format';
import { REGISTRY_FLAGS, UsageError, out, parse, warn } from './common/args';
import { readOnce } from './readImages';

const FORMATS = ['cyclonedx', 'spdx', 'table'] as const;
type Format = (typeof FORMATS)[number];

/** The packages as a table: name, version, type, the layer that installed it, size. */
export function inventoryTable(inventory: ImageInventory): string[] {
  const rows = inventory.packages.map((p) => [
    p.package.name,
    p.package.version,
    p.package.ecosystem,
    `layer ${p.layer.index}`,
    p.package.installedSize !== undefined ? formatBytes(p.package.installedSize) : '',
  ]);
  const head = ['NAME', 'VERSION', 'TYPE', 'INSTALLED BY', 'SIZE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const steps = [...new Map(inventory.packages.map((p) => [p.layer.index, p.layer])).values()].sort((a, b) => a.index - b.index);
  return [
    line(head),
    ...rows.map(line),
    '',
    `${inventory.packages.length} package${inventory.packages.length === 1 ? '' : 's'} in ${inventory.name}${inventory.digest ? ` (${inventory.digest})` : ''}`,
    ...steps.map((l) => `  layer ${l.index}${l.diffId ? ` ${l.diffId.replace(/^sha256:/, '').slice(0, 12)}` : ''}: ${l.createdBy ?? '(no build step recorded)'}`),
  ];
}

export async function sbom(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string', short: 'f' }, platform: { type: 'string' }, ...REGISTRY_FLAGS }, true);
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    throw new UsageError(target ? `sbom takes one image or archive, not ${positionals.length}` : 'sbom needs an image: a name on the engine, an archive file, oci-layout://PATH or registry://HOST/REPO:TAG');
  }
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be cyclonedx, spdx or table, not "${String(values.format)}"`);
  }
  const read = await readOnce(values, target);
  const inventory = imageInventory(read.analysis, target);
  for (const problem of inventory.problems) {
    warn(problem);
  }
  if (inventory.packages.length === 0) {
    warn(`no package database (dpkg, apk, rpm, npm, Python) was found in ${target}: the SBOM lists the image alone`);
  }
  if (format === 'table') {
    out(inventoryTable(inventory).join('\n'));
  } else {
    let identity;
    try {
      identity = documentIdentity(process.env.SOURCE_DATE_EPOCH, inventory, format);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    out(format === 'cyclonedx' ? cycloneDxJson(inventory, identity) : JSON.stringify(spdxDocument(inventory, identity), null, 2));
  }
  if (read.keepFailure) {
    throw read.keepFailure;
  }
  return 0;
}
