import * as vscode from 'vscode';
import { type ContainerSummary, formatPorts, isRunning } from '../../model/containers/containers';
import { formatBytes } from '../../shared/format';

const ICONS: Record<string, [string, string?]> = {
  running: ['vm-running', 'testing.iconPassed'],
  restarting: ['sync', 'testing.iconQueued'],
  paused: ['debug-pause', 'testing.iconQueued'],
  created: ['circle-outline'],
  exited: ['vm-outline', 'disabledForeground'],
  dead: ['error', 'testing.iconFailed'],
  removing: ['trash'],
};

/**
 * A container. `contextValue` is `container.running`, `container.paused` or
 * `container.stopped` (plus `.ports` when it publishes a port), which the inline Start /
 * Stop / Restart buttons and the menus match.
 */
export class ContainerNode extends vscode.TreeItem {
  constructor(
    readonly container: ContainerSummary,
    /** The latest CPU and memory sample, for a running container while the view is shown. */
    readonly figures?: { cpuPercent: number; memory: number; memoryLimit?: number },
  ) {
    // Collapsed: its Files are under it.
    super(container.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `container:${container.id}`;
    const ports = formatPorts(container.ports);
    this.description = [container.image, container.status, ports].filter(Boolean).join(' · ');
    const state = container.state === 'paused' ? 'paused' : isRunning(container) ? 'running' : 'stopped';
    this.contextValue = `container.${state}${container.ports.some((p) => p.protocol === 'tcp') ? '.ports' : ''}`;
    const [icon, color] = ICONS[container.state] ?? ['question'];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const tooltip = new vscode.MarkdownString();
    const line = (text: string) => {
      tooltip.appendText(text);
      tooltip.appendMarkdown('  \n');
    };
    line(container.name);
    line(vscode.l10n.t('ID: {0}', container.id));
    line(vscode.l10n.t('Image: {0}', container.image));
    line(vscode.l10n.t('State: {0} ({1})', container.state, container.status));
    if (ports) {
      line(vscode.l10n.t('Ports: {0}', ports));
    }
    line(vscode.l10n.t('Created: {0}', container.created.toLocaleString()));
    if (figures) {
      line(vscode.l10n.t('CPU: {0} %', figures.cpuPercent.toFixed(1)));
      line(
        figures.memoryLimit
          ? vscode.l10n.t('Memory: {0} of {1}', formatBytes(figures.memory), formatBytes(figures.memoryLimit))
          : vscode.l10n.t('Memory: {0}', formatBytes(figures.memory)),
      );
    }
    this.tooltip = tooltip;
    // A click shows the logs, as in the Docker CLI's habit of `docker logs` first.
    this.command = { command: 'strata.container.showLogs', title: vscode.l10n.t('Show Logs'), arguments: [this] };
  }
}
