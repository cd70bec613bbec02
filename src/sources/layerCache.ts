/**
 * Analyses kept on disk, shared by every window, every VS Code and the CLI of a user:
 * each layer's parsed entries by its diff id (and its blob digest, where a source names
 * blobs), and each image's record (config, layers, platforms) by what identifies its
 * content (an image id, a manifest digest). An image analysed once, from a registry or
 * from an engine, opens again without reading a byte of it.
 *
 * Under $XDG_CACHE_HOME/strata/analysis (else ~/.cache/strata/analysis). Writes are
 * atomic (a temporary file renamed), so two processes at once never leave half a file;
 * an entry that does not read back is dropped and read again from its source. The size
 * is bounded: least recently used out first.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import * as l10n from '@vscode/l10n';
import type { ArchiveLayer, ImageArchive, ParsedLayer } from '../analysis/archiveReader';
import type { DerivedFigures } from '../analysis/imageAnalysis';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** Raised when the format of what is kept changes: older entries are then simply not found. */
// v4: layers read with the content readers (packages, secrets); a v3 layer's facts lack them.
export const CACHE_FORMAT = 'v4';

/** An image as kept: its archive without the layers' entries, which are kept by diff id. */
interface ImageRecord {
  /** The figures worked out from the layers (not worked out again when it opens). */
  derived?: DerivedFigures;
  format: ImageArchive['format'];
  configDigest?: string;
  repoTags: string[];
  config: ImageArchive['config'];
  layers: Array<Omit<ArchiveLayer, 'entries' | 'facts'>>;
  platform?: string;
  platforms: ImageArchive['platforms'];
  attestations: string[];
}

/** The cache could not be written (a full disk, no permission): the analysis stands, the sentence says why it is not kept. */
export class CacheWriteError extends Error {
  constructor(
    readonly dir: string,
    readonly code: string,
  ) {
    super(
      code === 'ENOSPC'
        ? l10n.t('The analysis could not be kept in {0}: the disk is full. Free some space, or lower strata.cache.maxSize.', dir)
        : l10n.t('The analysis could not be kept in {0} ({1}).', dir, code),
    );
    this.name = 'CacheWriteError';
  }
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'strata', 'analysis');
}

const hex = (digest: string) => digest.replace(/^[a-z0-9]+:/, '');
const hashed = (key: string) => createHash('sha256').update(key).digest('hex');

export interface CacheUsage {
  dir: string;
  bytes: number;
  images: number;
  layers: number;
}

export class LayerCache {
  readonly dir: string;
  private readonly root: string;
  private evicting: Promise<void> | undefined;

  constructor(
    dir = defaultCacheDir(),
    /** Bytes the cache may hold; read at each write (a setting). */
    private readonly maxBytes: () => number = () => 2 * 1024 * 1024 * 1024,
  ) {
    this.dir = dir;
    this.root = path.join(dir, CACHE_FORMAT);
  }

  private file(kind: 'layers' | 'blobs' | 'images', name: string): string {
    return path.join(this.root, kind, name);
  }

  /** A file's contents, or undefined; one that does not read back is removed. */
  private async readEntry(file: string, decode: (bytes: Buffer) => Promise<unknown> | unknown): Promise<unknown> {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch {
      return undefined;
    }
    try {
      const value = await decode(bytes);
      // Used now: the last to go when the cache is full.
      const now = new Date();
      fs.promises.utimes(file, now, now).catch(() => undefined);
      return value;
    } catch {
      await fs.promises.rm(file, { force: true });
      return undefined;
    }
  }

  /** Writes a file whole or not at all: a temporary file in the same folder, renamed. */
  private async writeEntry(file: string, bytes: Buffer | string): Promise<void> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.promises.writeFile(temporary, bytes);
      await fs.promises.rename(temporary, file);
    } catch (err) {
      await fs.promises.rm(temporary, { force: true });
      throw new CacheWriteError(this.dir, (err as NodeJS.ErrnoException).code ?? String(err));
    }
  }

  /** A layer by its diff id, or by the digest of its blob. */
  async layer(digest: string): Promise<ParsedLayer | undefined> {
    const byDiffId = await this.layerByDiffId(digest);
    if (byDiffId) {
      return byDiffId;
    }
    const diffId = (await this.readEntry(this.file('blobs', hex(digest)), (b) => {
      const text = b.toString('utf8').trim();
      if (!/^sha256:[0-9a-f]{64}$/.test(text)) {
        throw new Error('not a diff id');
      }
      return text;
    })) as string | undefined;
    return diffId ? this.layerByDiffId(diffId) : undefined;
  }

  private async layerByDiffId(diffId: string): Promise<ParsedLayer | undefined> {
    if (!/^sha256:[0-9a-f]{64}$/.test(diffId)) {
      return undefined;
    }
    return (await this.readEntry(this.file('layers', `${hex(diffId)}.json.gz`), async (bytes) => {
      const layer = JSON.parse((await gunzip(bytes)).toString('utf8')) as ParsedLayer & { diffId?: string };
      if (layer.diffId !== diffId || !Array.isArray(layer.entries) || typeof layer.size !== 'number') {
        throw new Error('not this layer');
      }
      return { compression: layer.compression, entries: layer.entries, size: layer.size, ...(layer.facts ? { facts: layer.facts } : {}) };
    })) as ParsedLayer | undefined;
  }

  /** An image kept whole (its record and every layer), with its figures; undefined when any part is missing. */
  async image(key: string): Promise<{ archive: ImageArchive; derived?: DerivedFigures } | undefined> {
    const record = (await this.readEntry(this.file('images', `${hashed(key)}.json`), (b) => {
      const r = JSON.parse(b.toString('utf8')) as ImageRecord & { key?: string };
      if (r.key !== key || !Array.isArray(r.layers)) {
        throw new Error('not this image');
      }
      return r;
    })) as ImageRecord | undefined;
    if (!record) {
      return undefined;
    }
    const layers: ArchiveLayer[] = [];
    for (const l of record.layers) {
      const parsed = l.diffId ? await this.layerByDiffId(l.diffId) : undefined;
      if (!parsed) {
        return undefined;
      }
      layers.push({ ...l, ...parsed });
    }
    const { derived, ...rest } = record as ImageRecord & { key?: string };
    delete (rest as { key?: string }).key;
    return { archive: { ...rest, layers }, derived };
  }

  /**
   * Keeps an image and its layers (`blobs`: each layer's blob digest, where the source has
   * them). Rejects with a CacheWriteError; what was written before stays whole.
   */
  async put(key: string, archive: ImageArchive, blobs: Array<string | undefined> = [], derived?: DerivedFigures): Promise<void> {
    for (const [i, layer] of archive.layers.entries()) {
      if (!layer.diffId || !/^sha256:[0-9a-f]{64}$/.test(layer.diffId)) {
        return; // without diff ids nothing can be found again by content: not kept
      }
      const file = this.file('layers', `${hex(layer.diffId)}.json.gz`);
      if (!fs.existsSync(file)) {
        const json = JSON.stringify({ diffId: layer.diffId, compression: layer.compression, size: layer.size, entries: layer.entries, facts: layer.facts });
        await this.writeEntry(file, await gzip(json, { level: 1 }));
      }
      const blob = blobs[i] ?? (/^blobs\/sha256\/[0-9a-f]{64}$/.test(layer.source) ? `sha256:${layer.source.slice(13)}` : undefined);
      if (blob && blob !== layer.diffId) {
        await this.writeEntry(this.file('blobs', hex(blob)), layer.diffId);
      }
    }
    const record: ImageRecord & { key: string } = {
      key,
      format: archive.format,
      configDigest: archive.configDigest,
      repoTags: archive.repoTags,
      config: archive.config,
      layers: archive.layers.map((l) => ({ source: l.source, diffId: l.diffId, compression: l.compression, size: l.size })),
      platform: archive.platform,
      platforms: archive.platforms,
      attestations: archive.attestations,
      derived,
    };
    await this.writeEntry(this.file('images', `${hashed(key)}.json`), JSON.stringify(record));
    this.evicting ??= this.evict().finally(() => (this.evicting = undefined));
    await this.evicting;
  }

  /** Every file kept, oldest use first. */
  private async entries(): Promise<Array<{ file: string; size: number; used: number; kind: string }>> {
    const all: Array<{ file: string; size: number; used: number; kind: string }> = [];
    for (const kind of ['layers', 'blobs', 'images']) {
      const dir = path.join(this.root, kind);
      const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const file = path.join(dir, name);
        const stat = await fs.promises.stat(file).catch(() => undefined);
        // Another process's write under way is not an entry yet.
        if (stat?.isFile() && !(name.endsWith('.tmp') && Date.now() - stat.mtimeMs < 60_000)) {
          all.push({ file, size: stat.size, used: stat.mtimeMs, kind });
        }
      }
    }
    return all.sort((a, b) => a.used - b.used);
  }

  /** Least recently used out until the cache is under its bound. */
  private async evict(): Promise<void> {
    const all = await this.entries();
    let total = all.reduce((n, e) => n + e.size, 0);
    const max = this.maxBytes();
    for (const e of all) {
      if (total <= max) {
        return;
      }
      await fs.promises.rm(e.file, { force: true });
      total -= e.size;
    }
  }

  async usage(): Promise<CacheUsage> {
    const all = await this.entries();
    return {
      dir: this.dir,
      bytes: all.reduce((n, e) => n + e.size, 0),
      images: all.filter((e) => e.kind === 'images').length,
      layers: all.filter((e) => e.kind === 'layers').length,
    };
  }

  /** Forgets everything kept (what `strata cache --clear` does). */
  async clear(): Promise<void> {
    await fs.promises.rm(this.root, { recursive: true, force: true });
  }
}
