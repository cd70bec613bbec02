/**
 * The VS Code side of choosing an engine: the candidates (discovered in src/engine, plus
 * the strata.engines setting), the user's choice remembered per workspace, and watching
 * the docker CLI's config.json and contexts so that `docker context use` or a new
 * context shows up without a reload. Strata never writes the CLI's files.
 */
import * as vscode from 'vscode';
import { watchDockerConfig } from '../../engine/connect/configWatcher';
import { ActiveEngine, answers, engineFor } from '../../engine/activeEngine';
import type { ActiveChoice, Discovery, EngineCandidate, SettingEngine } from '../../engine/connect/engineDiscovery';
import { chooseActiveEngine, discoverEngines } from '../../engine/connect/engineDiscovery';
import { endpointKey } from '../../engine/connect/endpoint';
import { Disposable } from '../../shared/lifecycle';

const CHOICE_KEY = 'strata.engine';

function settingEngines(): SettingEngine[] {
  const value = vscode.workspace.getConfiguration('strata').get<unknown>('engines', []);
  return Array.isArray(value) ? (value as SettingEngine[]) : [];
}

/** Same engine means same candidate and same place (a context whose host was edited is another). */
function sameEngine(a: ActiveChoice, b: ActiveChoice): boolean {
  const key = (c: EngineCandidate) => (c.endpoint ? endpointKey(c.endpoint) : `problem:${c.problem ?? ''}`);
  return a.candidate.id === b.candidate.id && key(a.candidate) === key(b.candidate);
}

export class EngineSelection extends Disposable {
  private readonly candidatesChanged = this._register(new vscode.EventEmitter<void>());
  /** The list of candidates changed (a context added, the setting edited). */
  readonly onDidChangeCandidates = this.candidatesChanged.event;
  private rediscovering: Promise<void> | undefined;
  private dirty = false;

  private constructor(
    private discovery: Discovery,
    readonly active: ActiveEngine,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.logNotes();
    this._register({ dispose: () => active.dispose() });
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('strata.engines')) {
          void this.rediscover();
        }
      }),
    );
    this.watchDockerConfig();
  }

  /**
   * The engine to start with, without asking any socket (activation never waits on one):
   * for the usual sockets, the first that exists. Which of them answers is checked at once
   * in the background, and the selection follows if it is another.
   */
  static async create(state: vscode.Memento, log: vscode.LogOutputChannel): Promise<EngineSelection> {
    const discovery = discoverEngines({ settings: settingEngines() });
    const choice = await chooseActiveEngine(discovery, state.get<string>(CHOICE_KEY), async () => true);
    log.info(`Engine: ${choice.candidate.name} (${choice.reason}).`);
    const selection = new EngineSelection(discovery, new ActiveEngine(engineFor(choice.candidate), choice), state, log);
    void selection.rediscover();
    return selection;
  }

  get candidates(): readonly EngineCandidate[] {
    return this.discovery.candidates;
  }

  get choice(): ActiveChoice {
    return this.active.choice;
  }

  /** The candidate the user chose in Strata for this workspace, if any. */
  get userChoice(): string | undefined {
    return this.state.get<string>(CHOICE_KEY);
  }

  /** Makes a candidate active and remembers it for this workspace; undefined goes back to the CLI's order. */
  async choose(candidateId: string | undefined): Promise<void> {
    await this.state.update(CHOICE_KEY, candidateId);
    await this.apply(true);
  }

  /** Reads the candidates again (files or settings changed) and follows the active one if it moved. */
  rediscover(): Promise<void> {
    // Bursts of file events (docker context create writes several files) make one pass;
    // one that comes while a pass runs makes another.
    this.dirty = true;
    this.rediscovering ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.apply(false);
      }
    })().finally(() => (this.rediscovering = undefined));
    return this.rediscovering;
  }

  private async apply(chosen: boolean): Promise<void> {
    this.discovery = discoverEngines({ settings: settingEngines() });
    this.logNotes();
    this.candidatesChanged.fire();
    const choice = await chooseActiveEngine(this.discovery, this.userChoice, (e) => answers(e));
    if (chosen || !sameEngine(choice, this.active.choice)) {
      this.log.info(`Engine: ${choice.candidate.name} (${choice.reason}).`);
      this.active.switchTo(choice);
    } else {
      // The same engine, now known to answer (or not): the reason says so.
      this.active.confirm(choice);
    }
  }

  private logNotes(): void {
    for (const note of this.discovery.notes) {
      this.log.warn(note);
    }
  }

  /** config.json (currentContext) and contexts/meta (contexts added, removed, edited). */
  private watchDockerConfig(): void {
    const watch = watchDockerConfig(this.discovery.contexts.configDir, () => void this.rediscover());
    this._register({ dispose: () => watch.close() });
  }
}
