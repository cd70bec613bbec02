import * as vscode from 'vscode';
import { type ProbeResult, probeCandidate } from '../../engine/activeEngine';
import type { EngineCandidate, EngineOrigin } from '../../engine/connect/engineDiscovery';
import type { EngineSelection } from '../../views/engines/engineSelection';
import { identityText } from '../../views/engines/engineStatusBar';

/** Where a candidate comes from, in words (asked when drawn: translations load with the extension). */
function originText(origin: EngineOrigin): string {
  switch (origin) {
    case 'environment':
      return vscode.l10n.t('environment');
    case 'context':
      return vscode.l10n.t('context');
    case 'setting':
      return vscode.l10n.t('setting');
    case 'socket':
      return vscode.l10n.t('socket');
  }
}

interface CandidateItem extends vscode.QuickPickItem {
  candidate?: EngineCandidate;
  action?: 'settings' | 'followCli';
}

function candidateItem(c: EngineCandidate, result: ProbeResult | undefined, activeId: string): CandidateItem {
  const active = c.id === activeId || c.aliases.includes(activeId);
  const where = c.endpoint?.url ?? '';
  // The source is data (a variable's or context's name), compared with the origin's own key.
  const origin = `${originText(c.origin)}${c.source && c.source !== c.origin && c.origin !== 'socket' ? ` (${c.source})` : ''}`;
  let icon: string;
  let detail: string;
  if (c.problem) {
    icon = '$(error)';
    detail = c.problem;
  } else if (!result) {
    icon = '$(loading~spin)';
    detail = vscode.l10n.t('checking…');
  } else if (result.ok) {
    icon = '$(check)';
    detail = `${identityText(result.identity)} · API ${result.identity.apiVersion}`;
  } else {
    icon = '$(error)';
    detail = result.problem.message;
  }
  return {
    label: `${icon} ${c.name}`,
    description: [active ? vscode.l10n.t('active') : '', origin, where].filter(Boolean).join(' · '),
    detail,
    candidate: c,
  };
}

/**
 * Strata: Switch Engine… — every candidate at once, each checked in parallel with a short
 * timeout and marked ✓ with its version or ✗ with the reason as the answers come, so the
 * picker never waits on a dead engine. The choice is remembered for the workspace.
 */
export async function switchEngine(selection: EngineSelection, probeTimeoutMs = 4000): Promise<void> {
  const pick = vscode.window.createQuickPick<CandidateItem>();
  pick.title = vscode.l10n.t('Strata: Switch Engine');
  pick.placeholder = vscode.l10n.t('The engine Strata shows and runs containers on (remembered for this workspace)');
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const results = new Map<string, ProbeResult>();
  let disposed = false;

  const render = () => {
    const activeId = selection.choice.candidate.id;
    const items: CandidateItem[] = selection.candidates.map((c) => candidateItem(c, results.get(c.id), activeId));
    // An active engine that is not a candidate (a context named but missing): listed first, with why.
    if (!selection.candidates.some((c) => c.id === activeId || c.aliases.includes(activeId))) {
      items.unshift(candidateItem(selection.choice.candidate, undefined, activeId));
    }
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    if (selection.userChoice) {
      items.push({
        label: `$(discard) ${vscode.l10n.t("Follow the docker CLI's choice")}`,
        detail: vscode.l10n.t('DOCKER_HOST, DOCKER_CONTEXT, the current context, then the first socket that answers'),
        action: 'followCli',
      });
    }
    items.push({
      label: `$(gear) ${vscode.l10n.t('Add an Engine…')}`,
      detail: vscode.l10n.t('Edit strata.engines in the settings: a name and a URL (unix://, tcp://, ssh://), with TLS files'),
      action: 'settings',
    });
    const activeItem = items.find((i) => i.candidate && (i.candidate.id === activeId || i.candidate.aliases.includes(activeId)));
    const keep = pick.activeItems[0]?.candidate?.id;
    pick.items = items;
    // Answers arriving redraw the list; the cursor stays where it was. While the user
    // filters, the first match is the active one (a kept item may be filtered out, and
    // Enter would take it unseen).
    if (pick.value === '') {
      const again = keep ? items.find((i) => i.candidate?.id === keep) : activeItem;
      if (again) {
        pick.activeItems = [again];
      }
    }
  };

  const probeAll = () => {
    for (const c of selection.candidates) {
      if (c.problem || results.has(c.id)) {
        continue;
      }
      void probeCandidate(c, probeTimeoutMs).then((result) => {
        results.set(c.id, result);
        if (!disposed) {
          render();
        }
      });
    }
  };

  const listening = selection.onDidChangeCandidates(() => {
    render();
    probeAll();
  });
  render();
  probeAll();
  // What the watcher may have missed (a config folder on a network share…): look again.
  void selection.rediscover();

  const chosen = await new Promise<CandidateItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  disposed = true;
  listening.dispose();
  pick.dispose();
  if (!chosen) {
    return;
  }
  if (chosen.action === 'settings') {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'strata.engines', edit: true } });
    return;
  }
  if (chosen.action === 'followCli') {
    await selection.choose(undefined);
    return;
  }
  if (chosen.candidate) {
    await selection.choose(chosen.candidate.id);
  }
}
