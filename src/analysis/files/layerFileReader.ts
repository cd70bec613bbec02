/**
 * One file's bytes out of a layer blob (plain, gzip or zstd tar): the tar streams until the
 * path, whose content is kept and returned; nothing else is kept and the rest is not read.
 */
import type { Readable } from 'stream';
import * as tar from 'tar-stream';
import { normalizeEntryPath } from '../../model/layerEntries';
import { CancelledError } from '../../shared/errors';
import { ArchiveError } from '../archiveError';
import { decompressedLayer } from '../layerReader';

export interface FileReadOptions {
  signal?: AbortSignal;
  /** More bytes than this: refused (the caller asked the user first for anything larger). */
  maxBytes?: number;
}

/** The file was larger than the caller allowed. */
export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    super(`${path} is ${size} bytes, more than allowed`);
  }
}

/**
 * The content of `path` (normalised, no leading slash) in the layer blob, or undefined when
 * the layer's tar has no regular file there. The blob is destroyed once the file is read.
 */
export async function readFileFromLayer(blob: Readable, path: string, source: string, options: FileReadOptions = {}): Promise<Buffer | undefined> {
  const { input } = await decompressedLayer(source, blob);
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const extract = tar.extract();
    let settled = false;
    const done = (err: unknown, value?: Buffer) => {
      if (settled) {
        return;
      }
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      input.unpipe(extract);
      input.destroy();
      blob.destroy();
      extract.destroy();
      if (err) {
        reject(err);
      } else {
        resolve(value);
      }
    };
    const onAbort = () => done(new CancelledError('reading the file'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    extract.on('entry', (header, body, next) => {
      let name: string;
      try {
        name = normalizeEntryPath(header.name);
      } catch {
        name = '';
      }
      if (name !== path || (header.type !== 'file' && header.type !== 'contiguous-file')) {
        body.on('end', next);
        body.resume();
        return;
      }
      const size = header.size ?? 0;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        done(new FileTooLargeError(path, size));
        return;
      }
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => done(undefined, Buffer.concat(chunks)));
      body.on('error', (err: Error) => done(err));
    });
    extract.on('finish', () => done(undefined, undefined));
    extract.on('error', (err: Error) => done(new ArchiveError({ code: 'layerNotTar', layer: source, detail: err.message })));
    input.on('error', (err: Error) => done(new ArchiveError({ code: 'layerNotDecompressed', layer: source, detail: err.message })));
    input.pipe(extract);
  });
}
