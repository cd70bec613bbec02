/**
 * Case 1: the Images view's one request. Strata's engine layer (dockerode underneath)
 * against the bare GET /images/json and against `docker image ls`.
 */
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import * as cli from '../dockerCli';
import { interleave, timed } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, ratio, summarize } from '../stats';

export const LIST_GOAL = 1.3;

export async function benchListImages(engine: DockerEngine, raw: RawEngine, runs: number): Promise<CaseResult & { listed: number }> {
  const format = await cli.listFormat();
  const listed = (await raw.listImages()).length;
  const samples = await interleave(runs, {
    strata: () => timed(() => engine.listImages()),
    raw: () => timed(() => raw.listImages()),
    cli: () => timed(() => cli.listImages(format)),
  });
  const result: CaseResult = {
    name: `list ${listed} images`,
    strata: summarize(samples.strata),
    raw: summarize(samples.raw),
    cli: summarize(samples.cli),
    goal: `Strata ≤ ${LIST_GOAL}× raw`,
    note: `CLI: docker image ls --format ${format === 'json' ? 'json' : "'{{json .}}'"}, output parsed.`,
  };
  result.met = (ratio(result.strata, result.raw) ?? Infinity) <= LIST_GOAL;
  return { ...result, listed };
}
