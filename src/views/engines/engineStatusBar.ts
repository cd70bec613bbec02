import * as vscode from 'vscode';
import type { Engine, EngineIdentity } from '../../engine/api/engine';
import type { EngineSelection } from './engineSelection';
import { Disposable } from '../../shared/lifecycle';
import type { EngineStatus } from './engineStatus';

export const KIND_NAMES: Record<EngineIdentity['kind'], string> = { docker: 'Docker', podman: 'Podman' };

/** "Docker 20.10.24", "Podman 4.3.1". */
export function identityText(identity: EngineIdentity): string {
  return `${KIND_NAMES[identity.kind]} ${identity.version}`;
}

/**
 * The active engine in the status bar: its name and kind (`$(server) desktop-linux ·
 * Docker 28.5.2`), a warning when it does not answer; a click opens Switch Engine….
 */
export class EngineStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('strata.engine', vscode.StatusBarAlignment.Left, 10));
  /** Per engine object: its identity, asked once while it answers. */
  private readonly identities = new WeakMap<Engine, Promise<EngineIdentity | undefined>>();

  constructor(
    private readonly selection: EngineSelection,
    private readonly status: EngineStatus,
  ) {
    super();
    this.item.name = vscode.l10n.t('Strata: Engine');
    this.item.command = 'strata.switchEngine';
    this._register(status.onDidChange(() => void this.update()));
    this._register(selection.active.onDidSwitch(() => void this.update()));
    void this.update();
    this.item.show();
  }

  /** The identity of the active engine (asked once per engine while it answers). */
  identity(engine: Engine): Promise<EngineIdentity | undefined> {
    let known = this.identities.get(engine);
    if (!known) {
      known = engine.identify().catch(() => undefined);
      this.identities.set(engine, known);
      // A failed ask is asked again once the engine answers.
      void known.then((identity) => identity ?? this.identities.delete(engine));
    }
    return known;
  }

  get text(): string {
    return this.item.text;
  }

  private async update(): Promise<void> {
    const engine = this.selection.active.engine;
    const choice = this.selection.choice;
    const problem = this.status.problem;
    const state = this.status.state;
    const identity = state === 'connected' ? await this.identity(engine) : undefined;
    if (engine !== this.selection.active.engine) {
      return; // switched meanwhile; that switch updates again
    }
    const name = choice.candidate.name;
    const where = engine.endpoint?.url ?? '';
    if (problem || (state && state !== 'connected')) {
      this.item.text = `$(warning) ${name}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      // "Docker 20.10.24" for the plain socket, "desktop-linux · Docker 28.5.2" for a context.
      const kind = identity ? identityText(identity) : '';
      this.item.text = `$(server) ${identity && name === KIND_NAMES[identity.kind] ? kind : `${name}${kind ? ` · ${kind}` : ''}`}`;
      this.item.backgroundColor = undefined;
    }
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = false;
    tooltip.appendMarkdown(`**${vscode.l10n.t('Strata engine:')}** `).appendText(name);
    if (where) {
      tooltip.appendMarkdown('\n\n').appendText(where);
    }
    tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Active because {0}.', choice.reason));
    if (identity) {
      tooltip.appendMarkdown('\n\n').appendText(`${identityText(identity)}, API ${identity.apiVersion}, ${identity.os}/${identity.arch}`);
    }
    if (problem) {
      tooltip.appendMarkdown('\n\n$(warning) ').appendText(problem.message);
    }
    tooltip.appendMarkdown(`\n\n${vscode.l10n.t('Click to switch engines.')}`);
    this.item.tooltip = tooltip;
  }
}
