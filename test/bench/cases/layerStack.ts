/**
 * Case 2: one image's layer stack (inspect + history, aligned, attributed to the local
 * bases among all images). "Warm" is the running extension: every image listed and its
 * layers known, only the target's own inspect and history not yet asked. "Cold" is a
 * fresh index that must list and inspect everything first.
 */
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import type { LayerStack } from '../../../src/model/layerStack';
import * as cli from '../dockerCli';
import { interleave, timed } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, ratio, summarize } from '../stats';

export const STACK_GOAL = 1.3;

/**
 * An index in the extension's steady state, minus what it knows of `id`. With `bases`,
 * it also holds the histories of those images, as it does once any stack built on them
 * has been shown (that shows what the second round of requests for them costs).
 */
async function warmIndex(engine: DockerEngine, id: string, bases: string[] = []): Promise<ImageIndex> {
  const index = new ImageIndex({ engine: engine });
  await index.list();
  await index.allLayers();
  await Promise.all(bases.map((b) => index.history(b)));
  index.forget(id);
  return index;
}

/** A stack that did not find its bases would be measuring less work than the real one. */
export function describeStack(stack: LayerStack): string {
  const bases = stack.groups.filter((g) => g.base).map((g) => `${g.base?.name} (${g.layerCount} layers)`);
  return `${stack.steps.length} steps, ${stack.layerCount} layers, exact=${stack.exact}, bases: ${bases.join(' → ') || 'none'}`;
}

export async function checkStack(engine: DockerEngine, id: string, expectedBases: number): Promise<string> {
  const stack = await new ImageIndex({ engine: engine }).layerStack(id);
  const found = stack.groups.filter((g) => g.base).length;
  if (!stack.exact || found !== expectedBases) {
    throw new Error(`the target's stack is not what the fixtures built (${expectedBases} bases expected): ${describeStack(stack)}`);
  }
  return describeStack(stack);
}

export async function benchLayerStack(engine: DockerEngine, raw: RawEngine, id: string, runs: number): Promise<CaseResult[]> {
  const bases = (await new ImageIndex({ engine: engine }).layerStack(id)).groups.flatMap((g) => (g.base ? [g.base.id] : []));
  const samples = await interleave(runs, {
    warm: async () => {
      const index = await warmIndex(engine, id);
      return timed(() => index.layerStack(id));
    },
    warmBases: async () => {
      const index = await warmIndex(engine, id, bases);
      return timed(() => index.layerStack(id));
    },
    cold: () => timed(() => new ImageIndex({ engine: engine }).layerStack(id)),
    raw: () => timed(() => raw.inspectAndHistory(id)),
    cli: () => timed(() => cli.inspectAndHistory(id)),
  });
  const rawSummary = summarize(samples.raw);
  const cliSummary = summarize(samples.cli);
  const warm: CaseResult = {
    name: 'layer stack, warm',
    strata: summarize(samples.warm),
    raw: rawSummary,
    cli: cliSummary,
    goal: `Strata ≤ ${STACK_GOAL}× raw`,
    note: 'raw: GET /images/{id}/json + /history in parallel; CLI: docker image inspect + docker history --no-trunc in parallel.',
  };
  warm.met = (ratio(warm.strata, warm.raw) ?? Infinity) <= STACK_GOAL;
  const warmBases: CaseResult = {
    name: "layer stack, warm, bases' histories known",
    strata: summarize(samples.warmBases),
    raw: rawSummary,
    cli: cliSummary,
    goal: 'reported',
    note: 'as warm, but the histories of the target\'s local bases are already cached (after any stack on them was shown).',
  };
  const cold: CaseResult = {
    name: 'layer stack, cold',
    strata: summarize(samples.cold),
    raw: rawSummary,
    cli: cliSummary,
    goal: 'reported',
    note: 'Strata starts from a fresh index: list + inspect of every image + the stack; raw and CLI as above.',
  };
  return [warm, warmBases, cold];
}
