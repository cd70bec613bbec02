/**
 * The newest local image built from a Dockerfile: each image's history (newest images
 * first) matched against the file's stages; a stage's base counts as far as the engine
 * knows it (scratch: nothing; a local image: its own history; an earlier stage: its base
 * and its own steps). The newest complete match wins. Without one (the file was edited
 * since the build, or its last lines were never built), the image that matches the most
 * of its lines from the first: the one the file was last seen to have built
 * (`builtBefore`) on a tie, else the newest.
 */
import type { Dockerfile, Stage } from './dockerfile';
import { type StageMatch, matchDockerfile } from './dockerfileMatch';
import type { ImageSummary } from '../../model/images';
import type { AlignedStep, RawHistoryEntry } from '../../model/layerAlignment';

/** What the search needs of an engine's images (the image index gives it). */
export interface LocalImages {
  current(): Promise<ImageSummary[]>;
  history(id: string): Promise<RawHistoryEntry[]>;
  layerStack(id: string, options: { waitForBases: false }): Promise<{ steps: AlignedStep[] }>;
}

export interface BuiltImage {
  image: ImageSummary;
  match: StageMatch;
  /** The image's steps (base first): a matched instruction's `historyIndex` is its position here. */
  steps: AlignedStep[];
}

/** How many of the newest images are looked at (histories are asked once each, then kept). */
const LOOK_AT = 40;

function referencesOf(from: string): string[] {
  const name = from.includes(':') || from.includes('@') ? from : `${from}:latest`;
  return [name, `docker.io/${name}`, `docker.io/library/${name}`, `localhost/${name}`];
}

export async function findBuiltImage(dockerfile: Dockerfile, index: LocalImages, builtBefore?: string): Promise<BuiltImage | undefined> {
  const images = [...(await index.current())].sort((a, b) => b.created.getTime() - a.created.getTime());
  const lengths = new Map<string, number | undefined>();
  const baseLength = async (stage: Stage, depth = 0): Promise<number | undefined> => {
    const from = stage.from.toLowerCase();
    if (from === 'scratch') {
      return 0;
    }
    const earlier = dockerfile.stages.find((s) => s.index < stage.index && s.name === from);
    if (earlier && depth < 8) {
      const below = await baseLength(earlier, depth + 1);
      return below === undefined ? undefined : below + earlier.instructions.length;
    }
    if (!lengths.has(from)) {
      const wanted = referencesOf(stage.from);
      const base = images.find((i) => i.repoTags.some((t) => wanted.includes(t)));
      lengths.set(from, base ? (await index.history(base.id).catch(() => undefined))?.length : undefined);
    }
    return lengths.get(from);
  };
  const known = new Map<Stage, number | undefined>();
  for (const stage of dockerfile.stages) {
    known.set(stage, await baseLength(stage));
  }
  let best: { image: ImageSummary; match: StageMatch } | undefined;
  let partial: { image: ImageSummary; match: StageMatch } | undefined;
  const before = builtBefore ? images.find((i) => i.id === builtBefore) : undefined;
  const candidates = [...(before ? [before] : []), ...images.slice(0, LOOK_AT).filter((i) => i !== before)];
  for (const image of candidates) {
    const history = await index.history(image.id).catch(() => undefined);
    if (!history) {
      continue;
    }
    const steps = [...history].reverse().map((h) => ({ createdBy: h.CreatedBy, comment: h.Comment }));
    const match = matchDockerfile(dockerfile, steps, (s) => known.get(s));
    if (!match) {
      continue;
    }
    if (match.complete) {
      best = { image, match };
      break; // the newest complete match
    }
    // Edited since the build, or first seen in this window: the image that has the most of
    // its lines, the one it was seen to build first, then the newest.
    if (!partial || match.matched > partial.match.matched) {
      partial = { image, match };
    }
  }
  best ??= partial;
  if (!best) {
    return undefined;
  }
  const stack = await index.layerStack(best.image.id, { waitForBases: false });
  return { ...best, steps: stack.steps };
}
