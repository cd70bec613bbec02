/** strata cache [--clear] [--json]: what the analysis cache on disk holds (shared with the extension), and clearing it; with the layer blobs kept for opening files. */
import { LayerBlobs } from '../sources/layerBlobs';
import { LayerCache, defaultCacheDir } from '../sources/layerCache';
import { formatBytes } from '../shared/format';
import { UsageError, out, parse } from './common/args';

export async function cache(args: string[]): Promise<number> {
  const { values } = parse(args, { clear: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.context || values.host) {
    throw new UsageError('cache is about this machine; --context and --host do not apply');
  }
  const disk = new LayerCache(defaultCacheDir());
  const blobs = new LayerBlobs();
  if (values.clear) {
    const before = await disk.usage();
    const blobsBefore = await blobs.usage();
    await disk.clear();
    await blobs.clear();
    out(
      values.json
        ? JSON.stringify({ cleared: before }, null, 2)
        : `cleared ${disk.dir}: ${formatBytes(before.bytes)}, ${before.images} images, ${before.layers} layers\ncleared ${blobsBefore.dir}: ${formatBytes(blobsBefore.bytes)}, ${blobsBefore.blobs} layer blobs`,
    );
    return 0;
  }
  const usage = await disk.usage();
  const blobUsage = await blobs.usage();
  out(
    values.json
      ? JSON.stringify(usage, null, 2)
      : `${usage.dir}: ${formatBytes(usage.bytes)}, ${usage.images} images, ${usage.layers} layers\n${blobUsage.dir}: ${formatBytes(blobUsage.bytes)}, ${blobUsage.blobs} layer blobs (for opening files)`,
  );
  return 0;
}
