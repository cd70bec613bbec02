import * as vscode from 'vscode';
import type { EngineRef } from '../../engine/activeEngine';
import type { EngineProblem } from '../../engine/api/engineError';
import { Disposable } from '../../shared/lifecycle';

export type EngineState = 'connected' | EngineProblem['kind'];

/**
 * Whether the engine answered the last time a view asked, published as the context key
 * `strata.engineState` that the views' welcome content switches on. Failures are logged
 * once per change of problem, not shown as pop-ups, so a stopped engine is not a storm.
 */
export class EngineStatus extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<EngineState>());
  readonly onDidChange = this.changed.event;
  private current: EngineState | undefined;
  private lastProblem: EngineProblem | undefined;

  constructor(
    private readonly ref: EngineRef,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  get state(): EngineState | undefined {
    return this.current;
  }

  get problem(): EngineProblem | undefined {
    return this.lastProblem;
  }

  reportSuccess(): void {
    if (this.current !== 'connected') {
      const engine = this.ref.engine;
      this.log.info(`Connected to ${engine.name} at ${engine.endpoint?.url ?? engine.place}.`);
    }
    this.lastProblem = undefined;
    this.set('connected');
  }

  /** Records a failed engine call and returns the sentence to show for it. */
  reportFailure(err: unknown): EngineProblem {
    const problem = this.ref.engine.describeError(err);
    if (problem.message !== this.lastProblem?.message) {
      this.log.warn(problem.message);
    }
    this.lastProblem = problem;
    this.set(problem.kind);
    return problem;
  }

  /** Another engine is active: nothing is known of it yet ("Connecting…" until it answers). */
  reset(): void {
    this.lastProblem = undefined;
    this.current = undefined;
    void vscode.commands.executeCommand('setContext', 'strata.engineState', undefined);
  }

  private set(state: EngineState): void {
    if (state === this.current) {
      return;
    }
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'strata.engineState', state);
    this.changed.fire(state);
  }
}
