/**
 * What a registry says of one tag without reading a layer: the digest it names, the
 * platforms of an index, each platform's compressed size (its manifest's layer sizes
 * summed, as a pull downloads them) and when the image was created (its config's
 * `created`). A single image costs two requests (manifest, config); an index one more
 * per platform (each platform's manifest: an index gives no image sizes).
 */
import { platformText, samePlatform } from '../analysis/archiveReader';
import { type Descriptor, isAttestation } from './blobImage';
import type { RegistryClient } from './registry/registryClient';
import { RegistryError } from './registry/registryError';

export interface PlatformFacts {
  /** `linux/amd64`, or `unknown` when neither the index nor the config names it. */
  platform: string;
  /** The platform's image manifest. */
  digest: string;
  /** Bytes of its layers as stored (compressed): what a pull of that platform downloads. */
  compressedSize: number;
}

export interface TagFacts {
  /** HOST/REPO:TAG. */
  reference: string;
  /** What the tag names now: the index's digest for a multi-platform image. */
  digest: string;
  mediaType: string;
  /** A multi-platform image (an OCI index or a Docker manifest list). */
  index: boolean;
  /** Each image the tag names: one, or each platform of its index (attestations left out). */
  platforms: PlatformFacts[];
  /** Attestation manifests (provenance, SBOM) in the index. */
  attestations: number;
  /** The platform whose config `created` is from (the one preferred, else the first). */
  createdPlatform?: string;
  /** The config's `created` (ISO 8601), when it has one. */
  created?: string;
}

const sumOfLayers = (json: Record<string, unknown>) => ((json.layers as Descriptor[] | undefined) ?? []).reduce((n, l) => n + (Number(l.size) || 0), 0);

export async function readTagFacts(client: RegistryClient, repository: string, tag: string, preferPlatform?: string, signal?: AbortSignal): Promise<TagFacts> {
  const reference = `${client.registry}/${repository}:${tag}`;
  const top = await client.manifest(repository, tag, signal);
  const index = Array.isArray(top.json.manifests);
  let platforms: PlatformFacts[];
  let attestations = 0;
  let configDigest: string | undefined;
  let shown: PlatformFacts | undefined;
  if (index) {
    const all = top.json.manifests as Descriptor[];
    attestations = all.filter(isAttestation).length;
    const images = all.filter((d) => !isAttestation(d));
    const manifests = await Promise.all(images.map((d) => client.manifest(repository, d.digest, signal)));
    platforms = images.map((d, i) => ({ platform: platformText(d.platform) ?? 'unknown', digest: d.digest, compressedSize: sumOfLayers(manifests[i].json) }));
    const preferred = preferPlatform ? platforms.findIndex((p) => samePlatform(p.platform, preferPlatform)) : -1;
    const at = Math.max(0, preferred);
    shown = platforms[at];
    configDigest = (manifests[at]?.json.config as Descriptor | undefined)?.digest;
  } else {
    if (!top.json.config || !Array.isArray(top.json.layers)) {
      throw new RegistryError({ code: 'unsupportedManifest', registry: client.registry, reference, mediaType: top.mediaType || 'unknown' });
    }
    configDigest = (top.json.config as Descriptor).digest;
    shown = { platform: 'unknown', digest: top.digest, compressedSize: sumOfLayers(top.json) };
    platforms = [shown];
  }
  let created: string | undefined;
  if (configDigest) {
    const config = JSON.parse((await client.document(repository, configDigest, signal)).toString('utf8')) as { created?: string; os?: string; architecture?: string; variant?: string };
    created = typeof config.created === 'string' ? config.created : undefined;
    // A single image names its platform in its config only.
    if (shown && shown.platform === 'unknown') {
      shown.platform = platformText(config) ?? 'unknown';
    }
  }
  return { reference, digest: top.digest, mediaType: top.mediaType, index, platforms, attestations, ...(shown ? { createdPlatform: shown.platform } : {}), ...(created ? { created } : {}) };
}
