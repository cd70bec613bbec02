/**
 * One layer's tar, as it streams past: its entries' metadata (path, type, size, mode, link
 * target; with `hash`, each file's content digest), never its contents. Plain, gzip or
 * zstd, told apart by the first bytes. Used for the layers of an archive (archiveReader.ts)
 * and for layer blobs read one by one (a registry, an OCI layout folder).
 */
import { createHash } from 'crypto';
import { PassThrough, Transform, type Readable } from 'stream';
import * as zlib from 'zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import * as tar from 'tar-stream';
import { type EntryType, type LayerEntry, UnsafePathError, normalizeEntryPath } from '../model/layerEntries';
import { ArchiveError } from './archiveError';
import { type ContentReaders, type LayerFacts, MAX_READ_BYTES } from '../model/layerFacts';
import { defaultContentReaders } from './contentReaders';

export type Compression = 'none' | 'gzip' | 'zstd';

export type Sniffed = 'json' | 'gzip' | 'zstd' | 'tar' | 'unknown';

export function sniff(head: Buffer): Sniffed {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return 'gzip';
  }
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    return 'zstd';
  }
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') {
    return 'tar';
  }
  const first = head.toString('utf8', 0, Math.min(head.length, 64)).trimStart()[0];
  if (first === '{' || first === '[') {
    return 'json';
  }
  // A tar of only zero blocks (an empty layer) has no magic: treat as tar when the block is zero.
  if (head.length >= 512 && head.subarray(0, 512).every((b) => b === 0)) {
    return 'tar';
  }
  return 'unknown';
}

export function zstdTransform(): Transform {
  const decoder = new ZstdDecompress((data) => {
    t.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  return t;
}

function typeOf(header: tar.Header): EntryType {
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/**
 * Parses one layer's tar (already decompressed) into entries; with `hash`, each file's
 * content digest too; and the facts the content readers find in the few files they want.
 */
export function parseLayerTar(
  source: string,
  input: Readable,
  hash = false,
  readers: ContentReaders = defaultContentReaders,
): Promise<{ entries: LayerEntry[]; size: number; facts?: LayerFacts }> {
  return new Promise((resolve, reject) => {
    const entries: LayerEntry[] = [];
    let size = 0;
    const layerReaders = readers();
    const extract = tar.extract();
    let failed = false;
    const fail = (err: Error) => {
      if (!failed) {
        failed = true;
        input.unpipe(extract);
        input.resume();
        reject(err);
      }
    };
    extract.on('entry', (header, body, next) => {
      try {
        const path = normalizeEntryPath(header.name);
        if (path !== '') {
          const entry: LayerEntry = { path, type: typeOf(header), size: header.size ?? 0, mode: header.mode ?? 0, uid: header.uid, gid: header.gid };
          if (header.linkname) {
            entry.linkTarget = header.linkname;
          }
          entries.push(entry);
          size += entry.size;
          if (hash && entry.type === 'file') {
            const digest = createHash('sha1');
            body.on('data', (chunk: unknown) => digest.update(chunk as Buffer));
            body.on('end', () => (entry.hash = digest.digest('hex')));
          }
          const wanting = entry.type === 'file' && entry.size <= MAX_READ_BYTES ? layerReaders.filter((r) => r.wants(path, entry.size)) : [];
          if (wanting.length) {
            const chunks: Buffer[] = [];
            body.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
            body.on('end', () => {
              const content = Buffer.concat(chunks);
              for (const r of wanting) {
                r.read(path, content);
              }
            });
          }
        }
      } catch (err) {
        fail(new ArchiveError({ code: 'unsafePath', layer: source, detail: err instanceof UnsafePathError ? err.message : String(err) }));
        body.resume();
        return;
      }
      body.on('end', next);
      body.resume();
    });
    extract.on('finish', () => {
      if (!failed) {
        const facts: LayerFacts = {};
        for (const r of layerReaders) {
          r.finish(facts);
        }
        resolve(Object.keys(facts).length ? { entries, size, facts } : { entries, size });
      }
    });
    extract.on('error', (err: Error) => fail(new ArchiveError({ code: 'layerNotTar', layer: source, detail: err.message })));
    input.on('error', (err: Error) => fail(new ArchiveError({ code: 'layerNotDecompressed', layer: source, detail: err.message })));
    input.pipe(extract);
  });
}

export interface ParsedLayer {
  compression: Compression;
  entries: LayerEntry[];
  size: number;
  /** What the content readers found (packages, secrets…), when they found anything. */
  facts?: LayerFacts;
}

/**
 * A layer blob's tar, decompressed as its first bytes say (plain, gzip or zstd). `source`
 * names it in errors. Used to parse a whole layer and to read one file out of it.
 */
export function decompressedLayer(source: string, blob: Readable): Promise<{ compression: Compression; input: Readable }> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const start = () => {
      blob.removeListener('data', onData);
      blob.removeListener('end', start);
      blob.pause();
      const kind = sniff(head);
      if (kind !== 'gzip' && kind !== 'zstd' && kind !== 'tar') {
        blob.destroy();
        reject(new ArchiveError({ code: 'layerNotTar', layer: source, detail: 'neither a tar nor a gzip or zstd stream' }));
        return;
      }
      const feed = new PassThrough();
      feed.write(head);
      blob.pipe(feed);
      blob.on('error', (err) => feed.destroy(err));
      const input: Readable = kind === 'gzip' ? feed.pipe(zlib.createGunzip()) : kind === 'zstd' ? feed.pipe(zstdTransform()) : feed;
      if (input !== feed) {
        feed.on('error', (err) => input.destroy(err));
      }
      resolve({ compression: kind === 'tar' ? 'none' : kind, input });
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length >= 512) {
        start();
      }
    };
    blob.on('error', reject);
    blob.on('data', onData);
    blob.on('end', start);
  });
}

/** Reads one layer blob (plain, gzip or zstd) to its entries. `source` names it in errors. */
export async function readLayer(source: string, blob: Readable, hash = false, readers: ContentReaders = defaultContentReaders): Promise<ParsedLayer> {
  // The blob's own failure (a digest that does not match, a download broken off) is the story, not the parser's.
  let blobError: Error | undefined;
  blob.on('error', (err) => (blobError ??= err));
  const { compression, input } = await decompressedLayer(source, blob);
  try {
    const parsed = await parseLayerTar(source, input, hash, readers);
    if (blobError) {
      throw blobError;
    }
    return { compression, ...parsed };
  } catch (err) {
    throw blobError ?? err;
  }
}
