/**
 * Which Dockerfile line made each layer of one given image (the CLI's reports): the image's
 * own history (its config, with `empty_layer`) matched against the file's stages by the
 * matching the editor's lenses use (matchDockerfile). The image is given here, so no
 * engine is asked: a stage FROM scratch starts at the history's first step, one built on an
 * earlier stage after that stage's steps, any other is taken to be the history's last steps.
 */
import type { Dockerfile, Instruction, Stage } from './dockerfile';
import { type StageMatch, matchDockerfile } from './dockerfileMatch';

export interface ConfigHistoryEntry {
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageLines {
  match: StageMatch;
  /**
   * Per layer (0 = base): the instruction that made it; a layer of the base image gets the
   * stage's FROM line; a layer made after the first changed instruction gets none.
   */
  layers: Array<Instruction | undefined>;
}

function baseLength(dockerfile: Dockerfile, stage: Stage, depth = 0): number | undefined {
  if (stage.from.toLowerCase() === 'scratch') {
    return 0;
  }
  const earlier = dockerfile.stages.find((s) => s.index < stage.index && s.name === stage.from.toLowerCase());
  if (!earlier || depth > 8) {
    return undefined; // an image's own history is not in this one's config: the stage is the last steps
  }
  const below = baseLength(dockerfile, earlier, depth + 1);
  return below === undefined ? undefined : below + earlier.instructions.length;
}

export function linesOfImage(dockerfile: Dockerfile, history: ConfigHistoryEntry[]): ImageLines | undefined {
  const steps = history.map((h) => ({ createdBy: h.created_by ?? '', comment: h.comment }));
  const match = matchDockerfile(dockerfile, steps, (stage) => baseLength(dockerfile, stage));
  if (!match) {
    return undefined;
  }
  // History index → layer index: only the steps not marked empty made a layer.
  const layerOf: Array<number | undefined> = [];
  let count = 0;
  for (const h of history) {
    layerOf.push(h.empty_layer ? undefined : count++);
  }
  const layers = new Array<Instruction | undefined>(count).fill(undefined);
  const first = match.steps.find((s) => s.historyIndex !== undefined)?.historyIndex;
  const from: Instruction = { keyword: 'FROM', args: match.stage.from, heredocs: [], line: match.stage.fromLine, endLine: match.stage.fromLine };
  if (first !== undefined) {
    for (let i = 0; i < first; i++) {
      const layer = layerOf[i];
      if (layer !== undefined) {
        layers[layer] = from;
      }
    }
  }
  for (const s of match.steps) {
    const layer = s.historyIndex === undefined ? undefined : layerOf[s.historyIndex];
    if (s.status === 'matched' && layer !== undefined) {
      layers[layer] = s.instruction;
    }
  }
  return { match, layers };
}
