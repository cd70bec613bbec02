/**
 * An image read straight from a registry, no engine involved: the manifest (an index
 * followed to one platform), the config, and the layer blobs not known already.
 */
import type { Readable } from 'stream';
import * as l10n from '@vscode/l10n';
import { type BlobImageProblem, type BlobStore, readBlobImage } from './blobImage';
import { type ImageSource, type SourceRead, type SourceReadOptions, referenceText } from './imageSource';
import type { ImageReference } from '../model/reference';
import { MANIFEST_TYPES, type RegistryClient } from './registry/registryClient';
import { RegistryError } from './registry/registryError';

export class RegistrySource implements ImageSource {
  readonly kind = 'registry' as const;
  readonly name: string;
  readonly origin: string;
  private readonly store: BlobStore;

  constructor(
    private readonly client: RegistryClient,
    readonly reference: ImageReference,
  ) {
    this.name = referenceText(reference);
    this.origin = l10n.t('from {0}', reference.registry);
    const repository = reference.repository;
    this.store = {
      name: this.name,
      manifest: (ref, signal) => client.manifest(repository, ref, signal),
      document: (digest, signal) => client.document(repository, digest, signal),
      blob: (digest, options) => client.blob(repository, digest, options),
    };
  }

  /** The digest the reference names now (a tag moves): one manifest request. */
  async key(signal?: AbortSignal): Promise<string> {
    return this.reference.digest ?? (await this.client.manifest(this.reference.repository, this.reference.tag ?? 'latest', signal)).digest;
  }

  layerBlob(digest: string, signal?: AbortSignal): Promise<Readable> {
    return this.store.blob(digest, { signal });
  }

  async read(options: SourceReadOptions): Promise<SourceRead> {
    const r = this.reference;
    const read = await readBlobImage(this.store, r.digest ?? r.tag ?? 'latest', {
      ...options,
      problem: (p: BlobImageProblem) => new RegistryError({ ...p, registry: r.registry, reference: this.name } as never),
    });
    read.archive.repoTags = r.digest ? [] : [this.name];
    return { archive: read.archive, key: read.manifestDigest, blobsRead: read.blobsRead, bytesRead: read.bytesRead };
  }
}

export { MANIFEST_TYPES };
