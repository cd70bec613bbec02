import { shortId } from './format';

/** What the engine says of one image in GET /images/json, in the fields Strata uses. */
export interface ImageSummary {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: Date;
  size: number;
  labels: Record<string, string>;
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
  Labels?: Record<string, string> | null;
}

export function toImageSummary(raw: RawImageSummary): ImageSummary {
  return {
    id: raw.Id,
    // Engines before 25 report untagged images as "<none>:<none>"; later ones as [].
    repoTags: (raw.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    repoDigests: (raw.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    created: new Date(raw.Created * 1000),
    size: raw.Size,
    labels: raw.Labels ?? {},
  };
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
  return entries.sort(
    (a, b) => b.image.created.getTime() - a.image.created.getTime() || a.reference.localeCompare(b.reference),
  );
}
