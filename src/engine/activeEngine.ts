/**
 * The engine Strata works with now, and the switch to another. Everything long-lived
 * (the image index, the views, the event stream) asks `active.engine` at the time of
 * each call and listens for switches; a switch closes the old engine's connections.
 */
import type { ClientOptions } from './api/engineClient';
import { type ActiveChoice, type Discovery, type EngineCandidate, chooseActiveEngine, discoverEngines, environmentTls, findCandidate } from './connect/engineDiscovery';
import { DockerEngine } from './api/dockerEngine';
import type { Engine, EngineIdentity } from './api/engine';
import { type EngineEndpoint, EndpointError, parseEngineUrl } from './connect/endpoint';
import type { EngineProblem } from './api/engineError';
import * as l10n from '@vscode/l10n';

/** The engine for a candidate; an unusable candidate gives an engine whose calls say why. */
export function engineFor(candidate: EngineCandidate, options: ClientOptions = {}): DockerEngine {
  return candidate.endpoint
    ? new DockerEngine({ name: candidate.name, endpoint: candidate.endpoint }, options)
    : new DockerEngine({ name: candidate.name, problem: candidate.problem ?? `${candidate.name} cannot be used.` }, options);
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Whether an engine answers a ping in time (for picking the first socket that answers). */
export async function answers(endpoint: EngineEndpoint, timeoutMs = 1500, options: ClientOptions = {}): Promise<boolean> {
  const engine = new DockerEngine({ name: endpoint.url, endpoint }, options);
  try {
    await withTimeout(engine.ping(), timeoutMs, endpoint.url);
    return true;
  } catch {
    return false;
  } finally {
    engine.dispose();
  }
}

export type ProbeResult = { ok: true; identity: EngineIdentity } | { ok: false; problem: EngineProblem };

/** One candidate checked: its kind and version, or the sentence saying why it does not answer. */
export async function probeCandidate(candidate: EngineCandidate, timeoutMs = 4000, options: ClientOptions = {}): Promise<ProbeResult> {
  const engine = engineFor(candidate, options);
  try {
    return { ok: true, identity: await withTimeout(engine.identify(), timeoutMs, `${candidate.name} (${engine.place})`) };
  } catch (err) {
    return { ok: false, problem: engine.describeError(err) };
  } finally {
    engine.dispose();
  }
}

export interface ResolveInput {
  discovery?: Discovery;
  /** The id of the candidate the user chose in Strata. */
  userChoice?: string;
  options?: ClientOptions;
}

/** Discovers, chooses in the CLI's order (after the user's choice), and builds the engine. */
export async function resolveActiveEngine(input: ResolveInput = {}): Promise<{ engine: DockerEngine; choice: ActiveChoice; discovery: Discovery }> {
  const discovery = input.discovery ?? discoverEngines();
  const choice = await chooseActiveEngine(discovery, input.userChoice, (e) => answers(e, 1500, input.options));
  return { engine: engineFor(choice.candidate, input.options), choice, discovery };
}

/** The engine for `--context NAME` or `--host URL` (the CLI's flags), else the active one. */
export async function engineFromFlags(
  flags: { context?: string; host?: string },
  options: ClientOptions = {},
  discovery: Discovery = discoverEngines(),
): Promise<DockerEngine> {
  if (flags.host) {
    // As the CLI's -H: TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH.
    try {
      return new DockerEngine({ name: flags.host, endpoint: parseEngineUrl(flags.host, environmentTls(discovery.env), '--host') }, options);
    } catch (err) {
      return new DockerEngine({ name: flags.host, problem: err instanceof EndpointError ? err.message : String(err) }, options);
    }
  }
  if (flags.context) {
    if (flags.context === 'default') {
      // The CLI's "default" context: DOCKER_HOST, else the default socket; no context applies.
      const env = { ...discovery.env, DOCKER_CONTEXT: undefined };
      return (await resolveActiveEngine({ discovery: { ...discovery, env, contexts: { ...discovery.contexts, currentContext: undefined } }, options })).engine;
    }
    const candidate = findCandidate(discovery, `context:${flags.context}`);
    return candidate
      ? engineFor(candidate, options)
      : new DockerEngine({ name: flags.context, problem: l10n.t('There is no docker context named "{0}" in {1}: docker context ls lists the ones there are.', flags.context, discovery.contexts.configDir) });
  }
  return (await resolveActiveEngine({ discovery, options })).engine;
}

/** Whatever hands out the engine to use now: the ActiveEngine, or `{ engine }` for a fixed one. */
export interface EngineRef {
  readonly engine: Engine;
}

type Listener = (engine: Engine, choice: ActiveChoice) => void;

export class ActiveEngine implements EngineRef {
  private listeners = new Set<Listener>();

  constructor(
    private current: Engine,
    private currentChoice: ActiveChoice,
    private readonly options: ClientOptions = {},
  ) {}

  get engine(): Engine {
    return this.current;
  }

  get choice(): ActiveChoice {
    return this.currentChoice;
  }

  onDidSwitch(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The same engine, chosen again for another reason (a socket now known to answer): nothing to rebuild. */
  confirm(choice: ActiveChoice): void {
    this.currentChoice = choice;
  }

  /** Makes `choice` the active engine: a new client; listeners rebuild what they hold. */
  switchTo(choice: ActiveChoice): Engine {
    const old = this.current;
    this.current = engineFor(choice.candidate, this.options);
    this.currentChoice = choice;
    for (const listener of [...this.listeners]) {
      listener(this.current, choice);
    }
    old.dispose();
    return this.current;
  }

  dispose(): void {
    this.listeners.clear();
    this.current.dispose();
  }
}
