import type { Readable } from 'stream';
import * as l10n from '@vscode/l10n';
import { readImageArchive } from '../analysis/archiveReader';
import type { Engine } from '../engine/api/engine';
import type { ImageSource, SourceRead, SourceReadOptions } from './imageSource';

/**
 * An image on an engine, read from its export (`docker save`). The engine sends every
 * layer; those named by their digest (Engine 25+) and known already stream past unparsed.
 */
export class EngineSource implements ImageSource {
  readonly kind = 'engine' as const;
  readonly origin: string;

  constructor(
    private readonly engine: Engine,
    /** The image's id (or a name of it). */
    readonly name: string,
    /** Ask the export for this platform alone (an image with several, on an engine that can). */
    private readonly exportPlatform?: string,
  ) {
    this.origin = l10n.t('from the engine {0}', engine.name);
  }

  async key(): Promise<string> {
    return (await this.engine.inspectImage(this.name)).Id;
  }

  openArchive(): Promise<Readable> {
    return this.engine.exportImage(this.name, this.exportPlatform);
  }

  async read(options: SourceReadOptions): Promise<SourceRead> {
    let bytesRead = 0;
    const known = options.knownLayer;
    const archive = await readImageArchive(await this.engine.exportImage(this.name, this.exportPlatform), {
      ...options,
      onProgress: (bytes) => {
        bytesRead = bytes;
        options.onProgress?.(bytes);
      },
      // Only blob names are digests; an older engine's `<id>/layer.tar` says nothing of its content.
      knownLayer: known ? (entry) => (/^blobs\/sha256\/[0-9a-f]{64}$/.test(entry) ? syncOnly(known(entry.replace('blobs/sha256/', 'sha256:'), undefined)) : undefined) : undefined,
    });
    return { archive, key: archive.configDigest ?? this.name, blobsRead: archive.layers.length, bytesRead };
  }
}

/** The archive reader decides as an entry streams past: only what is known at once counts. */
function syncOnly<T>(value: T | Promise<T>): T | undefined {
  return value instanceof Promise ? undefined : value;
}
