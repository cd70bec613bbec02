/**
 * Layer blobs kept on disk so that a file of an image read once opens without reading the
 * image again (an engine's export takes seconds; one layer's tar on disk, milliseconds).
 * Each blob is kept as the source gave it (plain, gzip or zstd) under its diff id, so two
 * images sharing a layer share the file, in $XDG_CACHE_HOME/strata/layers beside the
 * analyses. Bounded like them: least recently used out first, under a size read at each
 * write (the same setting, strata.cache.maxSize, holds each folder on its own). Writes are
 * atomic (a temporary file renamed): two windows at once never leave half a blob.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import type { Readable } from 'stream';
import { CacheWriteError, defaultCacheDir } from './layerCache';

/** The folder beside the analyses: $XDG_CACHE_HOME/strata/layers. */
export function defaultLayersDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultCacheDir(env)), 'layers');
}

export class LayerBlobs {
  constructor(
    readonly dir = defaultLayersDir(),
    private readonly maxBytes: () => number = () => 2 * 1024 ** 3,
  ) {}

  private file(id: string): string {
    if (!/^[0-9a-f]{64}$/.test(id)) {
      throw new Error(`"${id}" is not a layer id`);
    }
    return path.join(this.dir, id);
  }

  /** The kept blob, or undefined; marked as used now (the last to go when the folder is full). */
  async open(id: string): Promise<Readable | undefined> {
    const file = this.file(id);
    try {
      const now = new Date();
      await fs.promises.utimes(file, now, now);
    } catch {
      return undefined;
    }
    return fs.createReadStream(file);
  }

  async has(id: string): Promise<boolean> {
    return fs.promises.access(this.file(id)).then(
      () => true,
      () => false,
    );
  }

  /** Keeps a blob whole or not at all; then the oldest go until the folder is under its bound (never this one). */
  async put(id: string, blob: Readable): Promise<void> {
    const file = this.file(id);
    await fs.promises.mkdir(this.dir, { recursive: true });
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await pipeline(blob, fs.createWriteStream(temporary));
      await fs.promises.rename(temporary, file);
    } catch (err) {
      await fs.promises.rm(temporary, { force: true });
      const code = (err as NodeJS.ErrnoException).code;
      // A disk or permission failure is the cache's; anything else (a download cut off) is the source's own.
      throw code && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET' ? new CacheWriteError(this.dir, code) : err;
    }
    await this.evict(file);
  }

  private async evict(keep: string): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    const all: Array<{ file: string; size: number; used: number }> = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      // Another process's write under way is not a blob yet.
      if (stat?.isFile() && file !== keep && !name.endsWith('.tmp')) {
        all.push({ file, size: stat.size, used: stat.mtimeMs });
      }
    }
    const kept = (await fs.promises.stat(keep).catch(() => undefined))?.size ?? 0;
    let total = kept + all.reduce((n, e) => n + e.size, 0);
    const max = this.maxBytes();
    for (const e of all.sort((a, b) => a.used - b.used)) {
      if (total <= max) {
        return;
      }
      await fs.promises.rm(e.file, { force: true });
      total -= e.size;
    }
  }

  /** Bytes and blobs kept (`strata cache`). */
  async usage(): Promise<{ dir: string; bytes: number; blobs: number }> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    let bytes = 0;
    let blobs = 0;
    for (const name of names.filter((n) => !n.endsWith('.tmp'))) {
      const stat = await fs.promises.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat?.isFile()) {
        bytes += stat.size;
        blobs++;
      }
    }
    return { dir: this.dir, bytes, blobs };
  }

  async clear(): Promise<void> {
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}
