/**
 * A file of an image as one of its layers wrote it, from any source: which layer wrote the
 * path (src/analysis/files/pathHistory.ts, on the analysis), then that layer's blob, from the
 * folder of kept blobs (layerBlobs.ts) or fetched into it: by its digest where the source
 * names blobs (a registry), from the export or archive otherwise (every layer of it kept in
 * one pass, so the next file of the image reads no export). An OCI layout's blobs are files
 * already and are read where they are. The CLI's `strata cat` and the editors' file system
 * (src/editors) both read through here.
 */
import { createHash } from 'crypto';
import type { Readable } from 'stream';
import * as l10n from '@vscode/l10n';
import * as tar from 'tar-stream';
import type { ArchiveLayer } from '../analysis/archiveReader';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { type FileReadOptions, readFileFromLayer } from '../analysis/files/layerFileReader';
import { type FileLookup, lookupFile } from '../analysis/files/pathHistory';
import { normalizeEntryPath } from '../model/layerEntries';
import { CancelledError } from '../shared/errors';
import type { ImageSource } from './imageSource';
import type { LayerBlobs } from './layerBlobs';

/** An image read and analysed: what a file of it is looked up in. */
export interface OpenedImage {
  source: ImageSource;
  analysis: ImageAnalysis;
  /** The image as sentences name it. */
  name: string;
}

export type FoundFile = Extract<FileLookup, { kind: 'file' }>;

export type LayerFileProblem =
  | { code: 'noLayer'; image: string; layer: number; count: number }
  | { code: 'absent'; image: string; path: string; layer?: number }
  | { code: 'removed'; image: string; path: string; addedIn: number; removedIn: number }
  | { code: 'directory'; path: string }
  | { code: 'notAFile'; path: string }
  | { code: 'loop'; path: string }
  | { code: 'notInLayer'; path: string; layer: number }
  | { code: 'layerNotFound'; image: string; layer: number };

/** A file that cannot be given, said in one sentence; layers are numbered from 1 at the base, as the panel shows them. */
export class LayerFileError extends Error {
  constructor(readonly problem: LayerFileProblem) {
    super(describe(problem));
    this.name = 'LayerFileError';
  }
}

function describe(p: LayerFileProblem): string {
  switch (p.code) {
    case 'noLayer':
      return p.count ? l10n.t('{0} has no layer {1}: it has {2}, numbered 1 to {2}.', p.image, p.layer, p.count) : l10n.t('{0} has no layer {1}: it has none.', p.image, p.layer);
    case 'absent':
      return p.layer ? l10n.t('/{0} is not in {1} up to layer {2}.', p.path, p.image, p.layer) : l10n.t('/{0} is not in {1}.', p.path, p.image);
    case 'removed':
      return l10n.t('/{0} is no longer in {1}: layer {2} added it and layer {3} removed it.', p.path, p.image, p.addedIn, p.removedIn);
    case 'directory':
      return l10n.t('/{0} is a folder, not a file.', p.path);
    case 'notAFile':
      return l10n.t('/{0} is not a regular file (a device or a pipe): it has no content to show.', p.path);
    case 'loop':
      return l10n.t('/{0} is a symbolic link that leads back to itself.', p.path);
    case 'layerNotFound':
      return l10n.t("Layer {0} of {1} was not in what the source gave: analyse the image again.", p.layer, p.image);
    case 'notInLayer':
      return l10n.t("/{0} is not in layer {1}'s tar, although the analysis says that layer wrote it: analyse the image again.", p.path, p.layer);
  }
}

/**
 * The file at `path` in the image (`layer` undefined), or as it is after layer `layer`
 * (1-based): which layer wrote the version there. Throws a LayerFileError for anything else.
 */
export function findFile(image: OpenedImage, path: string, layer?: number): FoundFile {
  const layers = image.analysis.archiveLayers;
  if (layer !== undefined && (!Number.isInteger(layer) || layer < 1 || layer > layers.length)) {
    throw new LayerFileError({ code: 'noLayer', image: image.name, layer, count: layers.length });
  }
  let normalized: string;
  try {
    normalized = normalizeEntryPath(path);
  } catch {
    throw new LayerFileError({ code: 'absent', image: image.name, path: path.replace(/^\/+/, ''), layer });
  }
  const found = lookupFile(layers, normalized, layer === undefined ? layers.length - 1 : layer - 1);
  switch (found.kind) {
    case 'file':
      return found;
    case 'removed':
      throw new LayerFileError({ code: 'removed', image: image.name, path: found.path, addedIn: found.addedIn + 1, removedIn: found.removedIn + 1 });
    case 'directory':
      throw new LayerFileError({ code: 'directory', path: found.path });
    case 'absent':
      throw new LayerFileError({ code: 'absent', image: image.name, path: normalized, layer });
    case 'loop':
      throw new LayerFileError({ code: 'loop', path: found.path });
    case 'other':
      throw new LayerFileError({ code: 'notAFile', path: found.path });
  }
}

/** What names a layer's blob on disk: its diff id (two images sharing a layer share it), else its blob digest. */
function blobId(image: OpenedImage, layer: ArchiveLayer): string {
  const digest = [layer.diffId, layer.source].find((d) => d && /^sha256:[0-9a-f]{64}$/.test(d));
  return digest ? digest.slice('sha256:'.length) : createHash('sha256').update(`${image.source.kind}:${image.source.name}:${layer.source}`).digest('hex');
}

export class LayerFiles {
  /** An image's layers being kept from its export: a second file asked meanwhile waits for the same pass. */
  private readonly keeping = new Map<string, Promise<void>>();

  constructor(private readonly blobs: LayerBlobs) {}

  /** The bytes of a file found in an image. */
  async read(image: OpenedImage, found: FoundFile, options: FileReadOptions = {}): Promise<Buffer> {
    const layer = image.analysis.archiveLayers[found.layer];
    const blob = await this.blob(image, layer, options.signal);
    const content = await readFileFromLayer(blob, found.readPath, layer.source, options);
    if (!content) {
      throw new LayerFileError({ code: 'notInLayer', path: found.readPath, layer: found.layer + 1 });
    }
    return content;
  }

  /** Whether the layer that wrote a file can be read from this disk now (no export, no download). */
  async isLocal(image: OpenedImage, found: FoundFile): Promise<boolean> {
    const layer = image.analysis.archiveLayers[found.layer];
    if (image.source.kind === 'oci-layout' && /^sha256:[0-9a-f]{64}$/.test(layer.source)) {
      return true;
    }
    return this.blobs.has(blobId(image, layer));
  }

  private async blob(image: OpenedImage, layer: ArchiveLayer, signal?: AbortSignal): Promise<Readable> {
    const source = image.source;
    const digest = /^sha256:[0-9a-f]{64}$/.test(layer.source) ? layer.source : undefined;
    // An OCI layout's blobs are files on this disk already.
    if (source.kind === 'oci-layout' && digest && source.layerBlob) {
      return source.layerBlob(digest, signal);
    }
    const id = blobId(image, layer);
    const kept = await this.blobs.open(id);
    if (kept) {
      return kept;
    }
    if (digest && source.layerBlob) {
      await this.blobs.put(id, await source.layerBlob(digest, signal));
    } else {
      await this.keepLayers(image, signal);
    }
    const now = await this.blobs.open(id);
    if (!now) {
      throw new LayerFileError({ code: 'layerNotFound', image: image.name, layer: image.analysis.archiveLayers.indexOf(layer) + 1 });
    }
    return now;
  }

  /** Every layer of the image kept from one read of its export or archive. */
  private keepLayers(image: OpenedImage, signal?: AbortSignal): Promise<void> {
    const key = `${image.source.kind}:${image.source.name}`;
    let run = this.keeping.get(key);
    if (!run) {
      run = this.readArchive(image, signal).finally(() => this.keeping.delete(key));
      this.keeping.set(key, run);
    }
    return run;
  }

  private async readArchive(image: OpenedImage, signal?: AbortSignal): Promise<void> {
    const open = image.source.openArchive;
    if (!open) {
      throw new Error(`${image.name}: this source can give neither a layer's blob nor its archive`);
    }
    const wanted = new Map(image.analysis.archiveLayers.map((l) => [l.source.replace(/^\.\//, ''), blobId(image, l)]));
    const stream = await open.call(image.source, signal);
    await new Promise<void>((resolve, reject) => {
      const extract = tar.extract();
      const writes: Array<Promise<void>> = [];
      let failed = false;
      const fail = (err: unknown) => {
        if (!failed) {
          failed = true;
          signal?.removeEventListener('abort', onAbort);
          stream.unpipe(extract);
          stream.destroy();
          extract.destroy();
          reject(err);
        }
      };
      const onAbort = () => fail(new CancelledError('reading the image'));
      signal?.addEventListener('abort', onAbort, { once: true });
      extract.on('entry', (header, body, next) => {
        const name = header.name.replace(/^\.\//, '');
        const id = wanted.get(name);
        if ((header.type === 'symlink' || header.type === 'link') && header.linkname && id) {
          // `<id>/layer.tar` as a link to the blob (Engine 25+): the blob, when it comes, is this layer.
          const target = header.type === 'link' ? header.linkname : normalizeEntryPath(`${name.slice(0, name.lastIndexOf('/') + 1)}${header.linkname}`);
          wanted.set(target.replace(/^\.\//, ''), id);
        }
        if (!id || (header.type !== 'file' && header.type !== 'contiguous-file')) {
          body.on('end', next);
          body.resume();
          return;
        }
        wanted.delete(name);
        const write = this.blobs.put(id, body as unknown as Readable);
        writes.push(write);
        write.then(() => next(), fail);
      });
      extract.on('finish', () => {
        signal?.removeEventListener('abort', onAbort);
        Promise.all(writes).then(() => resolve(), fail);
      });
      extract.on('error', fail);
      stream.on('error', fail);
      stream.pipe(extract);
    });
  }
}
