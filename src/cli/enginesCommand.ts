/** strata engines [--json]: every engine a user could mean, whether each answers, and which is active. */
import { answers, probeCandidate } from '../engine/activeEngine';
import { chooseActiveEngine, discoverEngines } from '../engine/connect/engineDiscovery';
import { UsageError, out, parse } from './common/args';

/** Every engine a user could mean, checked in parallel, and which one is active. */
export async function engines(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  if (values.context || values.host) {
    throw new UsageError('engines lists every engine; --context and --host do not apply');
  }
  const discovery = discoverEngines();
  const [choice, results] = await Promise.all([
    chooseActiveEngine(discovery, undefined, (e) => answers(e)),
    Promise.all(discovery.candidates.map((c) => probeCandidate(c))),
  ]);
  const activeId = choice.candidate.id;
  const rows = discovery.candidates.map((c, i) => {
    const r = results[i];
    return {
      name: c.name,
      origin: c.origin,
      source: c.source,
      url: c.endpoint?.url ?? null,
      active: c.id === activeId || c.aliases.includes(activeId),
      answers: r.ok,
      kind: r.ok ? r.identity.kind : undefined,
      version: r.ok ? r.identity.version : undefined,
      apiVersion: r.ok ? r.identity.apiVersion : undefined,
      problem: r.ok ? undefined : r.problem.message,
    };
  });
  const activeListed = rows.some((r) => r.active);
  if (values.json) {
    out(JSON.stringify({ active: { name: choice.candidate.name, reason: choice.reason, ...(choice.candidate.problem ? { problem: choice.candidate.problem } : {}) }, engines: rows }, null, 2));
  } else {
    for (const r of rows) {
      const state = r.answers ? `✓ ${r.kind === 'podman' ? 'Podman' : 'Docker'} ${r.version}` : `✗ ${r.problem}`;
      out(`${r.active ? '*' : ' '} ${r.name}\t${r.origin}\t${r.url ?? ''}\t${state}`);
    }
    if (!activeListed) {
      out(`* ${choice.candidate.name}\t${choice.candidate.origin}\t\t✗ ${choice.candidate.problem ?? ''}`);
    }
    for (const note of discovery.notes) {
      process.stderr.write(`strata: ${note}\n`);
    }
  }
  return 0;
}
