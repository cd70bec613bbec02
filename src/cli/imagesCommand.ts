/** strata images [--json] [--all]: the engine's images, as the Images view lists them. */
import { engineFromFlags } from '../engine/activeEngine';
import { toImageEntries } from '../model/images';
import { SIZE_NAMES, imagePlatforms, imageSizes } from '../model/imageSizes';
import { formatAge, formatBytes, shortId } from '../shared/format';
import { UsageError, out, parse } from './common/args';

export async function images(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  if (values.context && values.host) {
    throw new UsageError('give --context or --host, not both');
  }
  const engine = await engineFromFlags({ context: values.context as string | undefined, host: values.host as string | undefined });
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
