/**
 * Images in files: an archive (`docker save`, an OCI archive) read as it streams, and an
 * OCI image layout folder (index.json, blobs/sha256/…) read blob by blob, as a registry is.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough, type Readable } from 'stream';
import * as l10n from '@vscode/l10n';
import { ArchiveError } from '../analysis/archiveError';
import { readImageArchive } from '../analysis/archiveReader';
import { type BlobImageProblem, type BlobStore, type StoredManifest, readBlobImage } from './blobImage';
import { type ImageSource, type SourceRead, type SourceReadOptions, SourceError } from './imageSource';

export class ArchiveSource implements ImageSource {
  readonly kind = 'archive' as const;
  readonly origin: string;

  constructor(readonly name: string) {
    this.origin = l10n.t('from archive {0}', path.basename(name));
  }

  /** An archive rewritten in place is another: by path, size and mtime. */
  async key(): Promise<string> {
    const stat = await fs.promises.stat(this.name);
    return `archive:${path.resolve(this.name)}:${stat.size}:${stat.mtimeMs}`;
  }

  async openArchive(): Promise<Readable> {
    return fs.createReadStream(this.name);
  }

  async read(options: SourceReadOptions): Promise<SourceRead> {
    const key = await this.key();
    let bytesRead = 0;
    const archive = await readImageArchive(fs.createReadStream(this.name), {
      ...options,
      onProgress: (bytes) => {
        bytesRead = bytes;
        options.onProgress?.(bytes);
      },
      knownLayer: undefined,
    });
    return { archive, key, blobsRead: archive.layers.length, bytesRead };
  }
}

/** A blob of an OCI layout folder, checked against its digest as it streams. */
function verified(file: string, digest: string, onBytes?: (bytes: number) => void): Readable {
  const hash = createHash('sha256');
  const out = new PassThrough();
  let read = 0;
  const input = fs.createReadStream(file);
  input.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    read += chunk.length;
    onBytes?.(read);
  });
  input.on('error', (err) => out.destroy(err));
  input.on('end', () => {
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      out.destroy(new ArchiveError({ code: 'unreadable', detail: l10n.t('the blob {0} is damaged: it hashes to {1}', digest, actual) }));
    }
  });
  input.pipe(out);
  return out;
}

export class OciLayoutSource implements ImageSource {
  readonly kind = 'oci-layout' as const;
  readonly origin: string;
  readonly name: string;
  private readonly store: BlobStore;

  constructor(
    private readonly dir: string,
    private readonly tag?: string,
  ) {
    this.name = tag ? `${dir}:${tag}` : dir;
    this.origin = l10n.t('from the OCI layout {0}', dir);
    const blobFile = (digest: string) => {
      const [algorithm, hex] = digest.split(':');
      if (!/^[a-z0-9]+$/.test(algorithm ?? '') || !/^[0-9a-f]+$/.test(hex ?? '')) {
        throw new SourceError(l10n.t('The OCI layout {0} names a blob "{1}", which is not a digest.', dir, digest));
      }
      return path.join(dir, 'blobs', algorithm, hex);
    };
    const readDocument = async (digest: string) => {
      try {
        return await fs.promises.readFile(blobFile(digest));
      } catch (err) {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new SourceError(l10n.t('The OCI layout {0} does not have the blob {1}.', dir, digest)) : err;
      }
    };
    this.store = {
      name: this.name,
      manifest: async (reference): Promise<StoredManifest> => {
        if (reference.includes(':')) {
          const bytes = await readDocument(reference);
          const json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
          return { digest: reference, mediaType: String(json.mediaType ?? ''), json };
        }
        return this.fromIndex(reference);
      },
      document: readDocument,
      blob: async (digest, options) => verified(blobFile(digest), digest, options.onBytes),
    };
  }

  /** The layout's index.json, or the one of its manifests a tag names (annotation org.opencontainers.image.ref.name). */
  private async fromIndex(tag: string): Promise<StoredManifest> {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(path.join(this.dir, 'index.json'));
    } catch {
      throw new SourceError(l10n.t('{0} is not an OCI image layout: it has no index.json.', this.dir));
    }
    const index = JSON.parse(bytes.toString('utf8')) as { manifests?: Array<{ digest: string; mediaType?: string; annotations?: Record<string, string> }> };
    if (tag === 'latest' && !this.tag) {
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      return { digest, mediaType: 'application/vnd.oci.image.index.v1+json', json: index as Record<string, unknown> };
    }
    const found = index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag || m.annotations?.['io.containerd.image.name']?.endsWith(`:${tag}`));
    if (!found) {
      const tags = (index.manifests ?? []).map((m) => m.annotations?.['org.opencontainers.image.ref.name']).filter(Boolean);
      throw new SourceError(l10n.t('The OCI layout {0} has no image tagged {1}: it has {2}.', this.dir, tag, tags.join(', ') || l10n.t('no tags')));
    }
    return this.store.manifest(found.digest);
  }

  layerBlob(digest: string, signal?: AbortSignal): Promise<Readable> {
    return this.store.blob(digest, { signal });
  }

  async read(options: SourceReadOptions): Promise<SourceRead> {
    const read = await readBlobImage(this.store, this.tag ?? 'latest', {
      ...options,
      problem: (p: BlobImageProblem) => new SourceError(layoutProblem(this.name, p)),
    });
    return { archive: read.archive, key: read.manifestDigest, blobsRead: read.blobsRead, bytesRead: read.bytesRead };
  }
}

function layoutProblem(name: string, p: BlobImageProblem): string {
  switch (p.code) {
    case 'noPlatform':
      return l10n.t('{0} has no {1} image: it has {2}.', name, p.platform, p.available);
    case 'choosePlatform':
      return l10n.t('{0} holds images for {1}: choose one with --platform.', name, p.available);
    case 'unsupportedManifest':
      return l10n.t('{0} is a {1} manifest, which Strata does not read.', name, p.mediaType);
  }
}
