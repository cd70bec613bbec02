/**
 * One rule for every size Strata shows, so that the Images view, the Layers panel and
 * the CLI say the same number under the same name. Engines mean different things by the
 * list's `Size`: the classic store counts the unpacked layers; the containerd store
 * counts compressed content plus the unpacked snapshots, of every platform present
 * (and inspect's `Size` is the compressed content alone).
 */
import type { ImageSummary, ManifestSummary } from './images';

export { SIZE_NAMES, sizeLabel } from '../shared/sizeNames';

export interface ImageSizes {
  /** The layers as files on disk, for the platform shown. */
  unpacked: number;
  /** The compressed content the engine keeps (containerd store); undefined where it keeps none. */
  content?: number;
  /** Bytes of layers other local images also use, when the engine computed it. */
  shared?: number;
  /** The platform these are for, when the image has several. */
  platform?: string;
}

function samePlatform(a: string, b: string): boolean {
  const [ao, aa] = a.split('/');
  const [bo, ba] = b.split('/');
  return ao === bo && aa === ba;
}

/** The image manifest Strata shows for this engine: its own platform's, else the first present. */
export function shownManifest(image: ImageSummary, enginePlatform?: string): ManifestSummary | undefined {
  const present = (image.manifests ?? []).filter((m) => m.kind === 'image' && m.available);
  return (enginePlatform ? present.find((m) => m.platform && samePlatform(m.platform, enginePlatform)) : undefined) ?? present[0];
}

export function imageSizes(image: ImageSummary, enginePlatform?: string): ImageSizes {
  const shared = image.sharedSize;
  const manifest = shownManifest(image, enginePlatform);
  if (manifest) {
    return {
      unpacked: manifest.unpackedSize ?? image.size - manifest.contentSize,
      content: manifest.contentSize,
      ...(shared !== undefined ? { shared } : {}),
      ...(manifest.platform ? { platform: manifest.platform } : {}),
    };
  }
  return { unpacked: image.size, ...(shared !== undefined ? { shared } : {}) };
}

/** The platforms of an image: present, or only listed (an index pulled for one platform). */
export function imagePlatforms(image: ImageSummary): Array<{ platform: string; available: boolean }> {
  return (image.manifests ?? []).filter((m) => m.kind === 'image' && m.platform).map((m) => ({ platform: m.platform as string, available: m.available }));
}

/** The attestations (provenance, SBOM) an image carries: named, never layers. */
export function imageAttestations(image: ImageSummary): ManifestSummary[] {
  return (image.manifests ?? []).filter((m) => m.kind === 'attestation');
}
