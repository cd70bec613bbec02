/** strata cache [--clear] [--json]: what the analysis cache on disk holds (shared with the extension), and clearing it. */
import { LayerCache, defaultCacheDir } from '../sources/layerCache';
import { formatBytes } from '../shared/format';
import { UsageError, out, parse } from './args';

export async function cache(args: string[]): Promise<number> {
  const { values } = parse(args, { clear: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.context || values.host) {
    throw new UsageError('cache is about this machine; --context and --host do not apply');
  }
  const disk = new LayerCache(defaultCacheDir());
  if (values.clear) {
    const before = await disk.usage();
    await disk.clear();
    out(values.json ? JSON.stringify({ cleared: before }, null, 2) : `cleared ${disk.dir}: ${formatBytes(before.bytes)}, ${before.images} images, ${before.layers} layers`);
    return 0;
  }
  const usage = await disk.usage();
  out(values.json ? JSON.stringify(usage, null, 2) : `${usage.dir}: ${formatBytes(usage.bytes)}, ${usage.images} images, ${usage.layers} layers`);
  return 0;
}
