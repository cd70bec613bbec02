/**
 * An image read from a store of blobs by digest: a registry, or an OCI image layout folder.
 * Unlike an export, a blob store serves each layer alone: only the layers not known
 * already are read (a layer is known by its blob's digest or its diff id), several at once.
 * An index is followed to the platform wanted (the engine's by default); attestation
 * manifests are named and never read as images.
 */
import type { Readable } from 'stream';
import { type ArchiveLayer, type ImageArchive, type ImageConfig, type ParsedLayer, platformText, samePlatform } from '../analysis/archiveReader';
import { readLayer } from '../analysis/layerReader';
import { CancelledError } from '../shared/errors';

export interface StoredManifest {
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

export interface BlobStore {
  /** What sentences name it by ("127.0.0.1:5000/app", "the layout /tmp/oci"). */
  readonly name: string;
  /** The manifest a tag or a digest names. */
  manifest(reference: string, signal?: AbortSignal): Promise<StoredManifest>;
  /** A small blob whole (a config, an attestation manifest), checked against its digest. */
  document(digest: string, signal?: AbortSignal): Promise<Buffer>;
  /** A blob as it streams, checked against its digest; `onBytes` hears the bytes received. */
  blob(digest: string, options: { signal?: AbortSignal; onBytes?: (bytes: number) => void }): Promise<Readable>;
}

/** Why an image cannot be read from the store, with what it has instead. */
export type BlobImageProblem =
  | { code: 'noPlatform'; platform: string; available: string }
  | { code: 'choosePlatform'; available: string }
  | { code: 'unsupportedManifest'; mediaType: string };

export interface BlobImageOptions {
  platform?: string;
  preferPlatform?: string;
  signal?: AbortSignal;
  /** Bytes of layer blobs read so far (all layers together). */
  onProgress?: (bytes: number) => void;
  hashContents?: boolean;
  /** A layer read before, by its blob's digest or its diff id. */
  knownLayer?: (blobDigest: string, diffId: string | undefined) => ParsedLayer | undefined | Promise<ParsedLayer | undefined>;
  /** How many layer blobs are read at once. */
  concurrency?: number;
  /** The sentence for a problem of the image (the caller names the store and the reference). */
  problem: (p: BlobImageProblem) => Error;
}

export interface BlobImageRead {
  archive: ImageArchive;
  /** The digest of the image manifest read (a platform's, under an index). */
  manifestDigest: string;
  /** The digest the reference named (an index's, when it is one). */
  referenceDigest: string;
  /** Each layer's blob digest, base first. */
  layerDigests: string[];
  /** Layer blobs read, and their bytes: the known ones are not read. */
  blobsRead: number;
  bytesRead: number;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const IMAGE_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

/** An attestation manifest (provenance, SBOM) in an index: never an image of a platform. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/** What an attestation manifest attests, from its layers' in-toto predicate types. */
async function attestationKind(store: BlobStore, d: Descriptor, signal?: AbortSignal): Promise<string> {
  // An attestation manifest is a manifest (served as one, not as a blob).
  const doc = await store
    .manifest(d.digest, signal)
    .then((m) => m.json as { layers?: Descriptor[] })
    .catch(() => undefined);
  const types = (doc?.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? '');
  const kinds = [...new Set(types.map((t) => (/provenance/i.test(t) ? 'provenance' : /spdx|cyclonedx|sbom/i.test(t) ? 'SBOM' : 'attestation')))];
  return kinds.join(' + ') || 'attestation';
}

/** Runs `work` on each item, at most `limit` at once, in order of the items. */
async function eachLimited<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function readBlobImage(store: BlobStore, reference: string, options: BlobImageOptions): Promise<BlobImageRead> {
  const { signal } = options;
  const top = await store.manifest(reference, signal);
  let image = top;
  const platforms: ImageArchive['platforms'] = [];
  const attestations: string[] = [];
  let platform: string | undefined;
  if (INDEX_TYPES.has(top.mediaType) || Array.isArray(top.json.manifests)) {
    const all = (top.json.manifests as Descriptor[] | undefined) ?? [];
    const images = all.filter((d) => !isAttestation(d));
    for (const d of all.filter(isAttestation)) {
      attestations.push(await attestationKind(store, d, signal));
    }
    for (const d of images) {
      platforms.push({ platform: platformText(d.platform) ?? 'unknown', present: true });
    }
    const listing = platforms.map((p) => p.platform).join(', ') || 'none';
    const on = (wanted: string) => images.find((d) => samePlatform(platformText(d.platform) ?? '', wanted));
    let chosen: Descriptor | undefined;
    if (options.platform) {
      chosen = on(options.platform);
      if (!chosen) {
        throw options.problem({ code: 'noPlatform', platform: options.platform, available: listing });
      }
    } else {
      chosen = (options.preferPlatform ? on(options.preferPlatform) : undefined) ?? (images.length === 1 ? images[0] : undefined);
      if (!chosen) {
        throw options.problem(images.length ? { code: 'choosePlatform', available: listing } : { code: 'noPlatform', platform: options.preferPlatform ?? 'any', available: listing });
      }
    }
    platform = platformText(chosen.platform);
    image = await store.manifest(chosen.digest, signal);
  }
  if (!IMAGE_TYPES.has(image.mediaType) && !(image.json.config && image.json.layers)) {
    throw options.problem({ code: 'unsupportedManifest', mediaType: image.mediaType || 'unknown' });
  }
  const configDescriptor = image.json.config as Descriptor;
  const layerDescriptors = (image.json.layers as Descriptor[] | undefined) ?? [];
  const config = JSON.parse((await store.document(configDescriptor.digest, signal)).toString('utf8')) as ImageConfig & { os?: string; architecture?: string; variant?: string };
  platform ??= platformText(config);
  if (platforms.length === 0 && platform) {
    platforms.push({ platform, present: true });
  }
  if (options.platform && platform && !samePlatform(platform, options.platform)) {
    throw options.problem({ code: 'noPlatform', platform: options.platform, available: platform });
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  // Bytes read per layer, summed for the progress of the whole image.
  const received = new Array<number>(layerDescriptors.length).fill(0);
  let blobsRead = 0;
  const layers = await eachLimited(layerDescriptors, options.concurrency ?? 3, async (d, i): Promise<ArchiveLayer> => {
    if (signal?.aborted) {
      throw new CancelledError('the read');
    }
    const known = await options.knownLayer?.(d.digest, diffIds[i]);
    if (known) {
      return { source: d.digest, diffId: diffIds[i], ...known };
    }
    blobsRead++;
    const blob = await store.blob(d.digest, {
      signal,
      onBytes: (bytes) => {
        received[i] = bytes;
        options.onProgress?.(received.reduce((a, b) => a + b, 0));
      },
    });
    const parsed = await readLayer(d.digest, blob, options.hashContents);
    return { source: d.digest, diffId: diffIds[i], ...parsed };
  }).catch((err: unknown) => {
    throw signal?.aborted ? new CancelledError('the read') : err;
  });
  return {
    archive: { format: 'oci', configDigest: configDescriptor.digest, repoTags: [], config, layers, platform, platforms, attestations },
    manifestDigest: image.digest,
    referenceDigest: top.digest,
    layerDigests: layerDescriptors.map((d) => d.digest),
    blobsRead,
    bytesRead: received.reduce((a, b) => a + b, 0),
  };
}
