import { shortId } from '../shared/format';

/**
 * One manifest of an image in the containerd image store (GET /images/json?manifests=1,
 * API 1.47+): a platform's image, or an attestation (provenance, SBOM) about one.
 */
export interface ManifestSummary {
  id: string;
  kind: 'image' | 'attestation' | 'unknown';
  /** "linux/amd64"; undefined for attestations. */
  platform?: string;
  /** Its content is here (a platform of a pulled index may be listed only). */
  available: boolean;
  /** Compressed content (the blobs the store keeps). */
  contentSize: number;
  /** The layers unpacked in the snapshotter. */
  unpackedSize?: number;
  /** For an attestation: the manifest it is about. */
  attests?: string;
}

/** What the engine says of one image in GET /images/json, in the fields Strata uses. */
export interface ImageSummary {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: Date;
  /** The list's `Size`: what `docker images` shows; see imageSizes for what it means where. */
  size: number;
  /** Shared with other images, when the engine computed it (shared-size=1, API 1.42+). */
  sharedSize?: number;
  labels: Record<string, string>;
  /** The containerd store's manifests (multi-platform images, attestations), when asked. */
  manifests?: ManifestSummary[];
}

/** One row of the Images view: an image under one of its names, or untagged. */
export interface ImageEntry {
  image: ImageSummary;
  /** "repository:tag", or "<none>" for an untagged image. */
  reference: string;
  repository: string;
  tag: string;
  dangling: boolean;
}

/** The engine's raw list entry (GET /images/json), loosely typed as it arrives. */
export interface RawImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Labels?: Record<string, string> | null;
  Manifests?: RawManifestSummary[] | null;
}

interface RawPlatform {
  os?: string;
  architecture?: string;
  variant?: string;
}

export interface RawManifestSummary {
  ID: string;
  Descriptor?: { digest?: string; platform?: RawPlatform };
  Available?: boolean;
  Size?: { Content?: number; Total?: number };
  Kind?: string;
  ImageData?: { Platform?: RawPlatform; Size?: { Unpacked?: number } };
  AttestationData?: { For?: string };
}

function platformOf(p: RawPlatform | undefined): string | undefined {
  return p?.os && p.architecture && p.os !== 'unknown' ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : undefined;
}

function toManifestSummary(raw: RawManifestSummary): ManifestSummary {
  const kind = raw.Kind === 'image' || raw.Kind === 'attestation' ? raw.Kind : 'unknown';
  return {
    id: raw.ID,
    kind,
    platform: kind === 'image' ? platformOf(raw.ImageData?.Platform ?? raw.Descriptor?.platform) : undefined,
    available: raw.Available !== false,
    contentSize: raw.Size?.Content ?? 0,
    ...(raw.ImageData?.Size?.Unpacked !== undefined ? { unpackedSize: raw.ImageData.Size.Unpacked } : {}),
    ...(raw.AttestationData?.For ? { attests: raw.AttestationData.For } : {}),
  };
}

export function toImageSummary(raw: RawImageSummary): ImageSummary {
  return {
    id: raw.Id,
    // Engines before 25 report untagged images as "<none>:<none>"; later ones as [].
    repoTags: (raw.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    repoDigests: (raw.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    created: new Date(raw.Created * 1000),
    size: raw.Size,
    // -1: not computed (not asked, or an engine before API 1.42).
    ...(typeof raw.SharedSize === 'number' && raw.SharedSize >= 0 ? { sharedSize: raw.SharedSize } : {}),
    labels: raw.Labels ?? {},
    ...(raw.Manifests?.length ? { manifests: raw.Manifests.map(toManifestSummary) } : {}),
  };
}

/** What an image is called in engine calls: its reference, or, untagged, its id (decided here once). */
export function imageRef(entry: Pick<ImageEntry, 'dangling' | 'reference' | 'image'>): string {
  return entry.dangling ? entry.image.id : entry.reference;
}

/** Splits "host:5000/name:tag" at the tag's colon, not the registry port's. */
export function splitReference(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) {
    return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  }
  return { repository: reference, tag: 'latest' };
}

export interface EntryOptions {
  showDangling: boolean;
}

/** One entry per tag (an image tagged twice appears twice), newest first, then by name. */
export function toImageEntries(images: ImageSummary[], options: EntryOptions): ImageEntry[] {
  return sortEntries(imageEntries(images, options), 'created');
}

function imageEntries(images: ImageSummary[], options: EntryOptions): ImageEntry[] {
  const entries: ImageEntry[] = [];
  for (const image of images) {
    if (image.repoTags.length === 0) {
      if (options.showDangling) {
        entries.push({
          image,
          reference: `<none> (${shortId(image.id)})`,
          repository: '<none>',
          tag: '<none>',
          dangling: true,
        });
      }
      continue;
    }
    for (const reference of image.repoTags) {
      entries.push({ image, reference, ...splitReference(reference), dangling: false });
    }
  }
  return entries;
}

export type SortBy = 'created' | 'name' | 'size';

const byName = (a: ImageEntry, b: ImageEntry) => a.reference.localeCompare(b.reference);
const COMPARE: Record<SortBy, (a: ImageEntry, b: ImageEntry) => number> = {
  created: (a, b) => b.image.created.getTime() - a.image.created.getTime() || byName(a, b),
  name: byName,
  size: (a, b) => b.image.size - a.image.size || byName(a, b),
};

export function sortEntries(entries: ImageEntry[], sortBy: SortBy): ImageEntry[] {
  return [...entries].sort(COMPARE[sortBy] ?? COMPARE.created);
}

export interface RepositoryGroup {
  repository: string;
  entries: ImageEntry[];
}

/**
 * Entries grouped by repository. Groups are ordered by their first entry under the same
 * order (newest, largest, or by name); untagged images form one group, always last.
 */
export function groupByRepository(images: ImageSummary[], options: EntryOptions & { sortBy: SortBy }): RepositoryGroup[] {
  const groups = new Map<string, ImageEntry[]>();
  for (const entry of sortEntries(imageEntries(images, options), options.sortBy)) {
    const list = groups.get(entry.repository) ?? [];
    list.push(entry);
    groups.set(entry.repository, list);
  }
  const result = [...groups.entries()].map(([repository, entries]) => ({ repository, entries }));
  const dangling = result.filter((g) => g.repository === '<none>');
  const tagged = result.filter((g) => g.repository !== '<none>');
  if (options.sortBy === 'name') {
    tagged.sort((a, b) => a.repository.localeCompare(b.repository));
  }
  // Otherwise the Map kept the order of each group's first (best) entry.
  return [...tagged, ...dangling];
}
