/**
 * "The image this tag pointed to before": when a tag is built (or pulled) again, the image
 * it named stays on the engine untagged (dangling) until it is pruned. The engine keeps no
 * record of the name it had, so Strata recognises it by what the engine does keep:
 *
 * A dangling image P is the previous build of a tagged image X when
 *   1. P was created before X, and
 *   2. P is of X's repository by its RepoDigests (a pulled tag that moved on: the engine
 *      keeps `repository@digest`), or P is an earlier build of X's Dockerfile: both
 *      histories begin with the same step (same instruction text and the same time: the
 *      same base, or a step the build cache shared) and have the same instructions in the
 *      same order (RUN, COPY, CMD…; their arguments may differ), and
 *   3. of all tagged images created after P that meet 2, X resembles P most: the longest
 *      run of identical steps from the base up (the build cache reused them), then the
 *      most identical steps overall, then a RepoDigests match. When two different images
 *      resemble P equally, P is claimed by neither (a sibling built from the same template
 *      cannot be told from the previous build: Strata would rather offer nothing).
 * X's previous build is the newest dangling image it claims. Images never built or pulled
 * under X's name but sharing only a base with it are not claimed (rule 2 needs the same
 * steps in the same order); untagged images are never the subject, only candidates.
 */
import { parseBuildStep } from './buildStep';
import type { ImageSummary } from './images';
import type { RawHistoryEntry } from './layerAlignment';

/** What the rule reads of one image: the list's summary, its layers and its history (base first). */
export interface BuildRecord {
  image: Pick<ImageSummary, 'id' | 'repoTags' | 'repoDigests' | 'created'>;
  diffIds: string[];
  /** Base first (the engine answers newest first). */
  history: Array<Pick<RawHistoryEntry, 'CreatedBy' | 'Created'>>;
}

/** `docker.io/library/debian` → `debian`: names as the docker CLI shows them. */
export function familiarRepository(name: string): string {
  return name.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '').replace(/^index\.docker\.io\/(library\/)?/, '');
}

function repositoryOfTag(tag: string): string {
  const colon = tag.lastIndexOf(':');
  return familiarRepository(colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag);
}

function repositoriesOfDigests(digests: string[]): Set<string> {
  return new Set(digests.map((d) => familiarRepository(d.split('@')[0])));
}

interface Resemblance {
  /** Identical steps from the base up. */
  prefix: number;
  /** Identical steps at the same place, anywhere. */
  same: number;
  /** P's RepoDigests name one of X's repositories. */
  repository: boolean;
}

const sameStep = (a: BuildRecord['history'][number], b: BuildRecord['history'][number]) => a.CreatedBy === b.CreatedBy && a.Created === b.Created;

/** How much `target` resembles the dangling `candidate`; undefined when rule 2 does not hold. */
function resemblance(candidate: BuildRecord, target: BuildRecord): Resemblance | undefined {
  const mine = repositoriesOfDigests(candidate.image.repoDigests);
  const repository = target.image.repoTags.some((t) => mine.has(repositoryOfTag(t)));
  const a = candidate.history;
  const b = target.history;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && sameStep(a[prefix], b[prefix])) {
    prefix++;
  }
  const sameInstructions =
    a.length === b.length && a.every((h, i) => parseBuildStep(h.CreatedBy).instruction === parseBuildStep(b[i].CreatedBy).instruction);
  if (!repository && !(prefix > 0 && sameInstructions)) {
    return undefined;
  }
  const same = a.filter((h, i) => i < b.length && h.CreatedBy === b[i].CreatedBy).length;
  return { prefix, same, repository };
}

function compareResemblance(x: Resemblance, y: Resemblance): number {
  return x.prefix - y.prefix || x.same - y.same || Number(x.repository) - Number(y.repository);
}

/** Cheap necessary conditions before any history is needed (same first layer, or the same repository). */
export function mayBePreviousBuild(candidate: Pick<BuildRecord, 'image' | 'diffIds'>, target: Pick<BuildRecord, 'image' | 'diffIds'>): boolean {
  if (candidate.image.repoTags.length > 0 || target.image.repoTags.length === 0 || candidate.image.id === target.image.id) {
    return false;
  }
  if (candidate.image.created.getTime() > target.image.created.getTime()) {
    return false;
  }
  const mine = repositoriesOfDigests(candidate.image.repoDigests);
  if (target.image.repoTags.some((t) => mine.has(repositoryOfTag(t)))) {
    return true;
  }
  return candidate.diffIds.length === target.diffIds.length && candidate.diffIds.length > 0 && candidate.diffIds[0] === target.diffIds[0];
}

/** Tagged image id → the id of its previous build, by the rule above. */
export function findPreviousBuilds(records: BuildRecord[]): Map<string, string> {
  const dangling = records.filter((r) => r.image.repoTags.length === 0);
  const tagged = records.filter((r) => r.image.repoTags.length > 0);
  /** Per tagged image, the dangling images it claims. */
  const claimed = new Map<string, BuildRecord[]>();
  for (const p of dangling) {
    let best: { target: BuildRecord; r: Resemblance }[] = [];
    for (const x of tagged) {
      if (!mayBePreviousBuild(p, x)) {
        continue;
      }
      const r = resemblance(p, x);
      if (!r) {
        continue;
      }
      const order = best.length ? compareResemblance(r, best[0].r) : 1;
      if (order > 0) {
        best = [{ target: x, r }];
      } else if (order === 0) {
        best.push({ target: x, r });
      }
    }
    // Equally like two different images: claimed by neither.
    if (best.length === 1) {
      const id = best[0].target.image.id;
      claimed.set(id, [...(claimed.get(id) ?? []), p]);
    }
  }
  const previous = new Map<string, string>();
  for (const [id, list] of claimed) {
    const newest = list.reduce((x, y) => (y.image.created.getTime() > x.image.created.getTime() ? y : x));
    previous.set(id, newest.image.id);
  }
  return previous;
}

/** What the finder needs of the image index (src/engine/imageIndex.ts). */
export interface BuildSource {
  current(): Promise<ImageSummary[]>;
  imageDetails(id: string): Promise<{ diffIds: string[] }>;
  history(id: string): Promise<RawHistoryEntry[]>;
}

/**
 * The rule applied to the engine's current list, worked out once per list (the images,
 * their tags and times make the answer true) and asking only the histories it needs.
 */
export class PreviousBuildFinder {
  private computed: { signature: string; result: Promise<Map<string, string>> } | undefined;
  private settled: { signature: string; result: Map<string, string> } | undefined;

  constructor(private readonly source: BuildSource) {}

  private static signature(images: ImageSummary[]): string {
    return images
      .map((i) => `${i.id} ${i.created.getTime()} ${i.repoTags.join(',')} ${i.repoDigests.join(',')}`)
      .sort()
      .join('\n');
  }

  /** The answer for this list, if it was worked out already (the tree draws with it). */
  known(images: ImageSummary[]): Map<string, string> | undefined {
    const settled = this.settled;
    return settled && settled.signature === PreviousBuildFinder.signature(images) ? settled.result : undefined;
  }

  /** Tagged image id → previous build id, for the engine's current list. */
  async find(): Promise<Map<string, string>> {
    const images = await this.source.current();
    const signature = PreviousBuildFinder.signature(images);
    if (this.computed?.signature !== signature) {
      const result = this.compute(images);
      this.computed = { signature, result };
      result.then(
        (map) => {
          if (this.computed?.signature === signature) {
            this.settled = { signature, result: map };
          }
        },
        () => {
          if (this.computed?.signature === signature) {
            this.computed = undefined;
          }
        },
      );
    }
    return this.computed.result;
  }

  /** The previous build of one image, or undefined. */
  async of(imageId: string): Promise<string | undefined> {
    return (await this.find()).get(imageId);
  }

  forget(): void {
    this.computed = undefined;
    this.settled = undefined;
  }

  private async compute(images: ImageSummary[]): Promise<Map<string, string>> {
    const dangling = images.filter((i) => i.repoTags.length === 0);
    if (dangling.length === 0) {
      return new Map();
    }
    const details = async (image: ImageSummary) => {
      try {
        return { image, diffIds: (await this.source.imageDetails(image.id)).diffIds };
      } catch {
        return undefined; // removed meanwhile
      }
    };
    const withLayers = (await Promise.all(images.map(details))).filter((r): r is { image: ImageSummary; diffIds: string[] } => r !== undefined);
    // Only the images in a possible pair need their history.
    const needed = new Set<string>();
    for (const p of withLayers.filter((r) => r.image.repoTags.length === 0)) {
      for (const x of withLayers) {
        if (mayBePreviousBuild(p, x)) {
          needed.add(p.image.id);
          needed.add(x.image.id);
        }
      }
    }
    if (needed.size === 0) {
      return new Map();
    }
    const records = await Promise.all(
      withLayers
        .filter((r) => needed.has(r.image.id))
        .map(async (r): Promise<BuildRecord | undefined> => {
          try {
            return { ...r, history: [...(await this.source.history(r.image.id))].reverse() };
          } catch {
            return undefined;
          }
        }),
    );
    return findPreviousBuilds(records.filter((r): r is BuildRecord => r !== undefined));
  }
}
