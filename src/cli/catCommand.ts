/**
 * strata cat IMAGE PATH [--layer N]: a file as it is in the image, or as it is after layer N
 * (1 at the base, as the Layers panel numbers them): so a file a later layer removed or
 * overwrote is printed as the layer that wrote it had it. The bytes go to stdout as they
 * are (a binary file too). A file that is gone names the layer that added it and the one
 * that removed it; anything else that cannot be printed is one sentence, exit code 2.
 */
import { LayerBlobs, defaultLayersDir } from '../sources/layerBlobs';
import { LayerFileError, LayerFiles, findFile } from '../sources/layerFiles';
import { InputError, REGISTRY_FLAGS, UsageError, parse } from './common/args';
import { CliImages } from './readImages';

export async function cat(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { layer: { type: 'string' }, platform: { type: 'string' }, ...REGISTRY_FLAGS }, true);
  const [target, filePath] = positionals;
  if (!target || !filePath || positionals.length > 2) {
    throw new UsageError('cat takes an image and a path: strata cat IMAGE PATH [--layer N]');
  }
  const layerText = values.layer as string | undefined;
  const layer = layerText === undefined ? undefined : Number(layerText);
  if (layerText !== undefined && !/^\d+$/.test(layerText.trim())) {
    throw new UsageError(`--layer must be a layer's number (1 at the base), not "${layerText}"`);
  }
  const images = new CliImages(values);
  try {
    const { analysis, source } = await images.read(target);
    const image = { source, analysis, name: target };
    const max = Number(process.env.STRATA_CACHE_MAX_SIZE);
    const files = new LayerFiles(new LayerBlobs(defaultLayersDir(), () => (Number.isFinite(max) && max > 0 ? max : 2 * 1024 ** 3)));
    let content: Buffer;
    try {
      content = await files.read(image, findFile(image, filePath, layer));
    } catch (err) {
      if (err instanceof LayerFileError && err.problem.code === 'removed') {
        throw new InputError(`${err.message.replace(/\.$/, '')}; --layer ${err.problem.addedIn} prints it`);
      }
      throw err instanceof LayerFileError ? new InputError(err.message.replace(/\.$/, '')) : err;
    }
    await new Promise<void>((resolve, reject) => process.stdout.write(content, (err) => (err ? reject(err) : resolve())));
    return 0;
  } finally {
    await images.close();
  }
}
