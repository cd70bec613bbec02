/**
 * How the CLI reads images: from whatever source a reference names (src/sources), through
 * the analysis cache on disk that the extension shares, the engine asked only for an image
 * named on it. Every failure becomes one sentence (exit code 2).
 */
import * as fs from 'fs';
import { AnalysisCache } from '../analysis/analysisCache';
import { ArchiveError } from '../analysis/archiveError';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { engineFromFlags } from '../engine/activeEngine';
import type { Engine } from '../engine/api/engine';
import { statusCode } from '../engine/api/engineError';
import { SourceError, type ImageSource } from '../sources/imageSource';
import { CacheWriteError, LayerCache, defaultCacheDir } from '../sources/layerCache';
import { Registries, analyzeSource, localPlatform, openSource } from '../sources/openSource';
import { RegistryError } from '../sources/registry/registryError';
import { InputError, UsageError, type Values } from './common/args';

export interface ReadResult {
  analysis: ImageAnalysis;
  source: ImageSource;
}

export class CliImages {
  private engineMade: Promise<Engine> | undefined;
  private engineReady: Engine | undefined;
  readonly registries: Registries;
  readonly cache: AnalysisCache;
  /** Why the analysis could not be kept on disk (a full disk), when it could not. */
  keepFailure: CacheWriteError | undefined;

  constructor(private readonly values: Values) {
    if (values.context && values.host) {
      throw new UsageError('give --context or --host, not both');
    }
    const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []);
    const ca = list(values.ca).map((file) => {
      try {
        return fs.readFileSync(file);
      } catch (err) {
        throw new InputError(`the CA file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    });
    const insecure = list(values.insecure);
    this.registries = new Registries(() => ({ insecure, ca }));
    const max = Number(process.env.STRATA_CACHE_MAX_SIZE);
    const disk = new LayerCache(defaultCacheDir(), () => (Number.isFinite(max) && max > 0 ? max : 2 * 1024 ** 3));
    this.cache = new AnalysisCache(
      () => 1024 ** 3,
      disk,
      (err) => (this.keepFailure = err instanceof CacheWriteError ? err : new CacheWriteError(disk.dir, String(err))),
    );
  }

  /** The engine the flags name (or the docker CLI's), made when first needed. */
  engine(): Promise<Engine> {
    this.engineMade ??= engineFromFlags({ context: this.values.context as string | undefined, host: this.values.host as string | undefined }).then((e) => (this.engineReady = e));
    return this.engineMade;
  }

  async source(target: string): Promise<ImageSource> {
    try {
      return await openSource(target, { registries: this.registries, engine: () => this.engine() });
    } catch (err) {
      throw this.inputError(err, target);
    }
  }

  /** The platform to read: --platform, else the engine's for its images, else this machine's. */
  private async preferred(source: ImageSource): Promise<string | undefined> {
    if (source.kind !== 'engine') {
      return localPlatform();
    }
    return (await (await this.engine()).capabilities()).platform;
  }

  async read(target: string, options: { signal?: AbortSignal } = {}): Promise<ReadResult> {
    const source = await this.source(target);
    const platform = this.values.platform as string | undefined;
    try {
      const analysis = await analyzeSource(this.cache, source, { platform, preferPlatform: platform ? undefined : await this.preferred(source), signal: options.signal });
      return { analysis, source };
    } catch (err) {
      throw this.inputError(err, target);
    }
  }

  /** One sentence for a failed read, whatever failed. */
  private inputError(err: unknown, target: string): Error {
    if (err instanceof UsageError || err instanceof InputError) {
      return err;
    }
    if (err instanceof RegistryError || err instanceof SourceError || err instanceof ArchiveError) {
      return new InputError(err.message);
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && /\.tar$/i.test(target)) {
      return new InputError(`${target} does not exist`);
    }
    const engine = this.engineReady;
    if (statusCode(err) === 404) {
      return new InputError(`no image named ${target} on ${engine?.name ?? 'the engine'}, and no file of that name`);
    }
    return new InputError(engine ? engine.describeError(err).message : err instanceof Error ? err.message : String(err));
  }

  /** Waits for what is being kept on disk; closes the engine's connections. */
  async close(): Promise<void> {
    await this.cache.flush();
    if (this.engineMade) {
      (await this.engineMade.catch(() => undefined))?.dispose();
    }
  }
}

/**
 * Reads one image, then lets go of the engine and writes the cache (for commands that read
 * once and report). `keepFailure`: why the analysis could not be kept on disk, known only
 * once the cache is written; the command says it after its output, which does not need it.
 */
export async function readOnce(values: Values, target: string): Promise<ReadResult & { keepFailure?: CacheWriteError }> {
  const images = new CliImages(values);
  let read: ReadResult;
  try {
    read = await images.read(target);
  } finally {
    await images.close();
  }
  return { ...read, keepFailure: images.keepFailure };
}
