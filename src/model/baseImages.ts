/**
 * Which local images an image was built on. A local image whose layers (RootFS.Layers,
 * base first) are a proper prefix of another's is one of its ancestors: the other was
 * built FROM it, directly or through images in between. Each layer belongs to the
 * nearest ancestor that contains it; layers above every ancestor are the image's own.
 */
import { shortId } from '../shared/format';

export const BASE_NAME_LABEL = 'org.opencontainers.image.base.name';

export interface ImageLayers {
  id: string;
  /** repository:tag names; empty for an untagged image. */
  references: string[];
  created: Date;
  diffIds: string[];
  labels?: Record<string, string>;
}

export interface BaseImage {
  id: string;
  /** The name to show: its first tag, or `<none> (short id)`. */
  name: string;
  /** How many of the image's layers, from the bottom, it holds. */
  layerCount: number;
}

export interface BuiltOn {
  name: string;
  /** A local image (an ancestor found here) or only named by the base-name label. */
  local: boolean;
  id?: string;
}

export interface Attribution {
  /** Local ancestors, the farthest (fewest layers) first. */
  ancestors: BaseImage[];
  /** The nearest ancestor, or the base-name label's image when none is local. */
  builtOn?: BuiltOn;
  /** For each layer (base first): the ancestor it comes from, or undefined for the image's own. */
  layerBase: Array<BaseImage | undefined>;
  /** For each layer: how many local images (this one included) hold it, on the same layers below. */
  sharedBy: number[];
}

function commonPrefix(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) {
    i++;
  }
  return i;
}

function displayName(image: ImageLayers): string {
  return image.references[0] ?? `<none> (${shortId(image.id)})`;
}

/** Among images with the same layers, the one to name: tagged first, then the oldest, then by name. */
function preferred(a: ImageLayers, b: ImageLayers): number {
  return (
    Number(b.references.length > 0) - Number(a.references.length > 0) ||
    a.created.getTime() - b.created.getTime() ||
    displayName(a).localeCompare(displayName(b))
  );
}

export function attributeLayers(target: ImageLayers, images: ImageLayers[]): Attribution {
  const layers = target.diffIds;
  const sharedBy = new Array<number>(layers.length).fill(1);
  const byLength = new Map<number, ImageLayers[]>();

  for (const other of images) {
    if (other.id === target.id) {
      continue;
    }
    const common = commonPrefix(layers, other.diffIds);
    for (let k = 0; k < common; k++) {
      sharedBy[k]++;
    }
    const isAncestor = other.diffIds.length > 0 && other.diffIds.length < layers.length && common === other.diffIds.length;
    if (isAncestor) {
      const same = byLength.get(common) ?? [];
      same.push(other);
      byLength.set(common, same);
    }
  }

  const ancestors: BaseImage[] = [...byLength.entries()]
    .sort(([a], [b]) => a - b)
    .map(([layerCount, candidates]) => {
      const chosen = [...candidates].sort(preferred)[0];
      return { id: chosen.id, name: displayName(chosen), layerCount };
    });

  const layerBase: Array<BaseImage | undefined> = layers.map((_, k) => ancestors.find((a) => a.layerCount > k));

  const nearest = ancestors[ancestors.length - 1];
  const label = target.labels?.[BASE_NAME_LABEL]?.trim();
  let builtOn: BuiltOn | undefined;
  if (nearest) {
    builtOn = { name: nearest.name, local: true, id: nearest.id };
  } else if (label) {
    builtOn = { name: label, local: false };
  }
  return { ancestors, builtOn, layerBase, sharedBy };
}
