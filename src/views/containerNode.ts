import * as vscode from 'vscode';
import { type ContainerSummary, formatPorts, isRunning } from '../engine/containers';
import { formatBytes } from '../engine/format';

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
    line(`ID: ${container.id}`);
    line(`Image: ${container.image}`);
    line(`State: ${container.state} (${container.status})`);
    if (ports) {
      line(`Ports: ${ports}`);
    }
    line(`Created: ${container.created.toLocaleString()}`);
    if (figures) {
      line(`CPU: ${figures.cpuPercent.toFixed(1)} %`);
      line(`Memory: ${formatBytes(figures.memory)}${figures.memoryLimit ? ` of ${formatBytes(figures.memoryLimit)}` : ''}`);
    }
    this.tooltip = tooltip;
    // A click shows the logs, as in the Docker CLI's habit of `docker logs` first.
    this.command = { command: 'strata.container.showLogs', title: 'Show Logs', arguments: [this] };
  }
}
