/**
 * Analyses kept for reuse, and the layers they were made of:
 * - an image's analysis by its key (an image id; an archive by path, size and mtime, so
 *   a file rewritten in place is read again);
 * - each layer's parsed entries by diff id, shared by every image that has the layer: an
 *   export whose layer blobs are named by their digest (Engine 25+, the containerd store)
 *   streams known layers past without decompressing or parsing them again;
 * - bounded by an estimate of the memory it holds, least recently used out first;
 * - one analysis per key at a time: a second request waits for the same work; when every
 *   request for it was cancelled (its panels closed), the export is aborted;
 * - with a store that outlives the window (src/sources/layerCache.ts): an image kept
 *   there is not read at all, a layer kept there is not parsed again, and what is read
 *   is kept there (a failure to keep it is told, the analysis stands).
 */
import type { Readable } from 'stream';
import { ArchiveError, type ImageArchive, type ParsedLayer, type ReadOptions, readImageArchive, readImageArchives } from './archiveReader';
import { type DerivedFigures, ImageAnalysis } from './imageAnalysis';
import { CancelledError } from '../shared/errors';

export type AnalyzeOptions = ReadOptions;

/** A store of analyses that outlives the window: images and layers by what identifies their content. */
export interface KeptAnalyses {
  image(key: string): Promise<{ archive: ImageArchive; derived?: DerivedFigures } | undefined>;
  /** A layer by its diff id or its blob's digest. */
  layer(digest: string): Promise<ParsedLayer | undefined>;
  put(key: string, archive: ImageArchive, blobs?: Array<string | undefined>, derived?: DerivedFigures): Promise<void>;
}

/** Whatever is known of a layer already, by its blob's digest (where the source names blobs so) or its diff id. */
export type KnownLayer = (blobDigest: string | undefined, diffId: string | undefined) => ParsedLayer | undefined | Promise<ParsedLayer | undefined>;

/** What a read of an image gives: the archive, each layer's blob digest where the source has them, and what it cost. */
export interface ImageRead {
  archive: ImageArchive;
  blobs?: Array<string | undefined>;
  bytesRead?: number;
  blobsRead?: number;
}

/** Reads an image (an export, an archive, a registry: src/sources), skipping the layers known already. */
export type ImageReader = (known: KnownLayer, options: AnalyzeOptions & { signal: AbortSignal; hashContents: boolean }) => Promise<ImageRead>;

/** The reader of a stream in `docker save`'s format (an export, an archive file). */
export function streamReader(open: () => Promise<Readable>): ImageReader {
  return async (known, options) => {
    let bytesRead = 0;
    const archive = await readImageArchive(await open(), {
      ...options,
      onProgress: (bytes) => {
        bytesRead = bytes;
        options.onProgress?.(bytes);
      },
      // Entries named by their content's digest (Engine 25+) can be known; `<id>/layer.tar` cannot.
      knownLayer: (name) => (/^blobs\/sha256\/[0-9a-f]{64}$/.test(name) ? known(`sha256:${name.slice('blobs/sha256/'.length)}`, undefined) : undefined),
    });
    return { archive, bytesRead, blobsRead: archive.layers.length };
  };
}

/** About what one entry costs held twice over (its parsed form and its place in the snapshot). */
function entryBytes(path: string): number {
  return 2 * (path.length * 2 + 120);
}

function layerBytes(layer: ParsedLayer): number {
  let bytes = 64;
  for (const e of layer.entries) {
    bytes += entryBytes(e.path);
  }
  // Packages and findings: small beside the entries, counted roughly by their text.
  return bytes + (layer.facts ? 2 * JSON.stringify(layer.facts).length : 0);
}

interface CachedLayer {
  parsed: ParsedLayer;
  bytes: number;
  /** The keys of the analyses made with it. */
  users: Set<string>;
}

interface Running {
  promise: Promise<ImageAnalysis>;
  abort: AbortController;
  waiters: number;
}

export class AnalysisCache {
  /** Insertion order is recency: a Map re-set on use is an LRU list. */
  private readonly done = new Map<string, ImageAnalysis>();
  private readonly layers = new Map<string, CachedLayer>();
  /** Layer blobs' digests → their diff ids. */
  private readonly blobs = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private generation = 0;
  private readonly listeners = new Set<(key: string) => void>();

  /** Writes to the store on disk under way (the CLI waits for them before it exits). */
  private readonly writes = new Set<Promise<void>>();

  constructor(
    /** Read on each store (a setting). */
    private readonly maxBytes: () => number = () => 512 * 1024 * 1024,
    /** Analyses kept beyond the window (src/sources/layerCache.ts). */
    private readonly kept?: KeptAnalyses,
    /** Told when an analysis could not be kept there (a full disk): the analysis itself stands. */
    private readonly onKeepFailed?: (err: unknown) => void,
  ) {}

  /** Keeps what was read on disk, in the background. */
  private persist(key: string, analysis: ImageAnalysis, blobs?: Array<string | undefined>): void {
    if (!this.kept) {
      return;
    }
    const write = this.kept.put(key, analysis.archiveImage, blobs, analysis.derived).catch((err: unknown) => this.onKeepFailed?.(err));
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Resolves when everything read so far is kept on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  /** Called when an analysis is done and kept (the Images view shows its layer sizes then). */
  onDidAnalyze(listener: (key: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(key: string): ImageAnalysis | undefined {
    const analysis = this.done.get(key);
    if (analysis) {
      // Most recently used last.
      this.done.delete(key);
      this.done.set(key, analysis);
    }
    return analysis;
  }

  /** What the cache holds, estimated (bytes), and its parts. */
  get usage(): { bytes: number; analyses: number; layers: number } {
    let bytes = 0;
    for (const l of this.layers.values()) {
      bytes += l.bytes;
    }
    return { bytes, analyses: this.done.size, layers: this.layers.size };
  }

  /** A layer parsed before, by diff id. */
  layer(diffId: string): ParsedLayer | undefined {
    return this.layers.get(diffId)?.parsed;
  }

  analyze(key: string, open: () => Promise<Readable>, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    return this.analyzeWith(key, streamReader(open), options);
  }

  /** An image's analysis by its key: kept (in memory or on disk), or read now by `read`. */
  analyzeWith(key: string, read: ImageReader, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const cached = this.get(key);
    if (cached) {
      return Promise.resolve(cached);
    }
    let running = this.running.get(key);
    if (!running) {
      running = this.start(key, read, options);
    }
    return this.wait(key, running, options.signal);
  }

  /** A layer known already: in memory, else kept on disk. */
  private known(blob: string | undefined, diffId: string | undefined): ParsedLayer | undefined | Promise<ParsedLayer | undefined> {
    const inMemory = (diffId && this.layer(diffId)) || (blob && this.blobs.has(blob) ? this.layer(this.blobs.get(blob) as string) : undefined);
    if (inMemory || !this.kept) {
      return inMemory;
    }
    const kept = this.kept;
    return (async () => (diffId ? await kept.layer(diffId) : undefined) ?? (blob ? await kept.layer(blob) : undefined))();
  }

  private start(key: string, read: ImageReader, options: AnalyzeOptions): Running {
    const generation = this.generation;
    const abort = new AbortController();
    const promise = (async () => {
      const kept = await this.kept?.image(key);
      if (kept) {
        return new ImageAnalysis(kept.archive, { bytesRead: 0, blobsRead: 0, fromKept: true }, kept.derived);
      }
      const result = await read((blob, diffId) => this.known(blob, diffId), {
        ...options,
        // Digests of file contents, kept with the layers: comparing two images reuses them.
        hashContents: true,
        signal: abort.signal,
      });
      const analysis = new ImageAnalysis(result.archive, { bytesRead: result.bytesRead ?? 0, blobsRead: result.blobsRead ?? 0, fromKept: false });
      this.persist(key, analysis, result.blobs);
      return analysis;
    })();
    const running: Running = { promise, abort, waiters: 0 };
    this.running.set(key, running);
    promise.then(
      (analysis) => {
        if (this.running.get(key) === running) {
          this.running.delete(key);
        }
        // Not kept when the cache was cleared meanwhile (another engine).
        if (generation === this.generation) {
          this.keep(key, analysis);
          for (const listener of this.listeners) {
            listener(key);
          }
        }
      },
      () => {
        if (this.running.get(key) === running) {
          this.running.delete(key);
        }
      },
    );
    return running;
  }

  /** One waiter's share: its own cancel; the read stops when the last waiter has gone. */
  private wait(key: string, running: Running, signal: AbortSignal | undefined): Promise<ImageAnalysis> {
    running.waiters++;
    if (!signal) {
      return running.promise;
    }
    return new Promise<ImageAnalysis>((resolve, reject) => {
      const onAbort = () => {
        running.waiters--;
        if (running.waiters === 0) {
          running.abort.abort();
          if (this.running.get(key) === running) {
            this.running.delete(key);
          }
        }
        reject(new CancelledError('the analysis'));
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      running.promise.then(
        (a) => {
          signal.removeEventListener('abort', onAbort);
          resolve(a);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /**
   * Two images for comparing, read from one export of both (`open`: GET /images/get with
   * both names), so the layers they share come and are read once. What is kept already
   * is not read again. `which` says which of `keys` an archive of the export is.
   */
  async analyzePair(
    keys: [string, string],
    openBoth: () => Promise<Readable>,
    openOne: (key: string) => Promise<Readable>,
    which: (archive: ImageArchive, index: number) => string | undefined,
    options: AnalyzeOptions = {},
  ): Promise<[ImageAnalysis, ImageAnalysis]> {
    const [a, b] = keys;
    if (this.get(a) || this.get(b) || a === b) {
      // One is known: the other alone (its known layers stream past unparsed).
      return [await this.analyze(a, () => openOne(a), options), await this.analyze(b, () => openOne(b), options)];
    }
    const generation = this.generation;
    const archives = await readImageArchives(await openBoth(), {
      ...options,
      hashContents: true,
      knownLayer: (name) => (/^blobs\/sha256\/[0-9a-f]{64}$/.test(name) ? this.known(`sha256:${name.slice('blobs/sha256/'.length)}`, undefined) : undefined),
    });
    const found = new Map<string, ImageAnalysis>();
    archives.forEach((archive, i) => {
      const key = which(archive, i);
      if (key && !found.has(key)) {
        found.set(key, new ImageAnalysis(archive));
      }
    });
    const pair = keys.map((k) => found.get(k));
    if (!pair[0] || !pair[1]) {
      throw new ArchiveError({ code: 'notInExport', image: !pair[0] ? a : b });
    }
    if (generation === this.generation) {
      for (const [key, analysis] of found) {
        this.keep(key, analysis);
        this.persist(key, analysis);
        for (const listener of this.listeners) {
          listener(key);
        }
      }
    }
    return [pair[0], pair[1]];
  }

  private keep(key: string, analysis: ImageAnalysis): void {
    this.done.delete(key);
    this.done.set(key, analysis);
    for (const layer of analysis.archiveLayers) {
      if (!layer.diffId) {
        continue;
      }
      let cached = this.layers.get(layer.diffId);
      if (!cached) {
        // The content readers' facts too (packages, secrets): the next image with this layer gets them without reading it.
        const parsed = { compression: layer.compression, entries: layer.entries, size: layer.size, ...(layer.facts ? { facts: layer.facts } : {}) };
        cached = { parsed, bytes: layerBytes(parsed), users: new Set() };
        this.layers.set(layer.diffId, cached);
      }
      cached.users.add(key);
      // A layer's blob digest, where the source names it: `blobs/sha256/…` in an export, the digest from a registry.
      const blob = /^blobs\/sha256\/[0-9a-f]{64}$/.test(layer.source) ? `sha256:${layer.source.slice('blobs/sha256/'.length)}` : /^sha256:[0-9a-f]{64}$/.test(layer.source) ? layer.source : undefined;
      if (blob) {
        this.blobs.set(blob, layer.diffId);
      }
    }
    this.evict(key);
  }

  /** Least recently used analyses out (never the one just kept) until under the bound. */
  private evict(keep: string): void {
    const max = this.maxBytes();
    for (const key of [...this.done.keys()]) {
      if (this.usage.bytes <= max) {
        return;
      }
      if (key !== keep) {
        this.forget(key);
      }
    }
  }

  /** Drops an image's analysis (it was removed), and the layers no other kept analysis uses. */
  forget(key: string): void {
    this.done.delete(key);
    for (const [diffId, layer] of this.layers) {
      layer.users.delete(key);
      if (layer.users.size === 0) {
        this.layers.delete(diffId);
      }
    }
    const live = new Set(this.layers.keys());
    for (const [blob, diffId] of this.blobs) {
      if (!live.has(diffId)) {
        this.blobs.delete(blob);
      }
    }
  }

  /** Forgets every analysis (the engine was switched); running ones are aborted and not kept. */
  clear(): void {
    this.generation++;
    for (const r of this.running.values()) {
      r.abort.abort();
    }
    this.running.clear();
    this.done.clear();
    this.layers.clear();
    this.blobs.clear();
  }
}
