/**
 * Strata: Attach Shell, Run Interactive, and a container's files (open read-only,
 * Download…). Everything through the Engine API, so it works on every engine Strata
 * reaches, with no docker CLI.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { extractTo } from '../../engine/api/containerFiles';
import { isRunning } from '../../model/containers/containers';
import type { Engine } from '../../engine/api/engine';
import { formatBytes } from '../../shared/format';
import type { ImageIndex } from '../../engine/imageIndex';
import { imageRef } from '../../model/images';
import type { ContainerNode } from '../../views/containers/containerNode';
import { type ContainerFileNode, containerFileUri, fileName } from '../../views/containers/containerFiles';
import type { ImageNode } from '../../views/images/imageNode';
import { ShellTerminal } from '../../views/containers/shellTerminal';
import { imageFromNodeOrPick } from '../images/pickImage';
import { CommandError, failed } from '../registerCommand';

export interface InsideDeps {
  engine: Engine;
  index: ImageIndex;
  /** Files larger than this (bytes) ask before opening. */
  openLimit(): number;
  /** The user agreed to open a file over the limit: the file system reads it whole. */
  allowOpen(uri: vscode.Uri, size: number): void;
  /** Terminals made, for the tests to read. */
  onTerminal?(terminal: vscode.Terminal, pty: ShellTerminal): void;
}

/** The container a command acts on: the node, or one picked (running ones first). */
async function containerFromNodeOrPick(engine: Engine, node: ContainerNode | undefined): Promise<ContainerNode['container'] | undefined> {
  if (node) {
    return node.container;
  }
  const all = await engine.listContainers().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Strata could not list the containers'), err);
  });
  if (all.length === 0) {
    throw new CommandError(vscode.l10n.t('There are no containers. Run an image first (Strata: Run Image…).'));
  }
  const picked = await vscode.window.showQuickPick(
    [...all].sort((a, b) => Number(isRunning(b)) - Number(isRunning(a))).map((c) => ({ label: c.name, description: `${c.image} · ${c.status}`, container: c })),
    { placeHolder: vscode.l10n.t('Container to open a shell in') },
  );
  return picked?.container;
}

/**
 * Attach Shell: a terminal on an exec session (bash if the container has it, else sh).
 * A stopped container is offered a start first.
 */
export async function attachShell(deps: InsideDeps, node?: ContainerNode): Promise<vscode.Terminal | undefined> {
  const container = await containerFromNodeOrPick(deps.engine, node);
  if (!container) {
    return undefined;
  }
  const info = await deps.engine.inspectContainer(container.id).catch((err: unknown) => {
    throw failed(vscode.l10n.t('{0} could not be looked at', container.name), err);
  });
  if (!info.State.Running) {
    const startAndAttach = vscode.l10n.t('Start and Attach');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0} is not running. Start it to open a shell in it?', container.name), startAndAttach);
    if (choice !== startAndAttach) {
      return undefined;
    }
    await deps.engine.startContainer(container.id).catch((err: unknown) => {
      throw failed(vscode.l10n.t('{0} could not be started', container.name), err);
    });
  }
  const session = await deps.engine.execShell(container.id).catch((err: unknown) => {
    throw failed(vscode.l10n.t('No shell could be opened in {0}', container.name), err);
  });
  const pty = new ShellTerminal(session, vscode.l10n.t('{0} in {1}', path.posix.basename(session.shell), container.name));
  const terminal = vscode.window.createTerminal({ name: `${container.name} (${path.posix.basename(session.shell)})`, pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show();
  deps.onTerminal?.(terminal, pty);
  return terminal;
}

/**
 * Run Interactive: a container with a TTY and stdin open, in a terminal; removed when it
 * exits if asked. Closing the terminal stops the container (it was made for that terminal).
 */
export async function runInteractive(deps: InsideDeps, node?: ImageNode): Promise<vscode.Terminal | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to run interactively'));
  if (!entry) {
    return undefined;
  }
  const image = imageRef(entry);
  const remove = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Remove the container when it exits'), description: vscode.l10n.t('like docker run --rm -it'), remove: true },
      { label: vscode.l10n.t('Keep the container when it exits'), description: vscode.l10n.t('its filesystem and logs stay'), remove: false },
    ],
    { placeHolder: vscode.l10n.t('Run {0} in a terminal', image) },
  );
  if (!remove) {
    return undefined;
  }
  const config = (await deps.engine.inspectImage(image).catch(() => undefined))?.Config;
  // An image with neither command nor entrypoint (a bare base) gets a shell.
  const command = config?.Cmd?.length || (Array.isArray(config?.Entrypoint) && config.Entrypoint.length) ? undefined : ['sh'];
  const run = await deps.engine.runInteractive(image, { autoRemove: remove.remove, command }).catch((err: unknown) => {
    throw failed(vscode.l10n.t('{0} could not be run', image), err);
  });
  const pty = new ShellTerminal({ stream: run.stream, resize: run.resize, exitCode: run.wait, end: run.stop }, run.name);
  const terminal = vscode.window.createTerminal({ name: `${run.name} (${image})`, pty, iconPath: new vscode.ThemeIcon('play') });
  terminal.show();
  deps.onTerminal?.(terminal, pty);
  return terminal;
}

/**
 * Opens a container's file read-only, as VS Code opens any file (text in an editor, a
 * binary one with VS Code's own choice); one over the size limit asks first.
 */
export async function openContainerFile(deps: InsideDeps, node?: ContainerFileNode): Promise<vscode.Uri | undefined> {
  if (!node?.entry) {
    return undefined;
  }
  const size = node.entry.size;
  const uri = containerFileUri(node.containerId, node.filePath);
  if (size > deps.openLimit()) {
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} is {1}, over the {2} set in strata.files.openLimit. Open it anyway?', node.filePath, formatBytes(size), formatBytes(deps.openLimit())),
      { modal: true },
      open,
    );
    if (choice !== open) {
      return undefined;
    }
    deps.allowOpen(uri, size);
  }
  // Errors reading it come back from the file system provider as sentences of their own.
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
  return uri;
}

/** Download…: a file or folder of the container, saved where the user says. */
export async function downloadContainerPath(deps: InsideDeps, node?: ContainerFileNode): Promise<string | undefined> {
  if (!node) {
    return undefined;
  }
  const folders = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Download Here'), title: vscode.l10n.t('Download {0} from {1}', node.filePath, node.containerName) });
  const dest = folders?.[0]?.fsPath;
  if (!dest) {
    return undefined;
  }
  const counts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0}…', node.filePath), cancellable: true }, async (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return extractTo(await deps.engine.containerArchive(node.containerId, node.filePath, abort.signal), dest);
  }).then(undefined, (err: unknown) => {
    throw failed(vscode.l10n.t('{0} could not be downloaded from {1}', node.filePath, node.containerName), err);
  });
  const saved = path.join(dest, fileName(node.filePath));
  const args = [node.filePath, saved, counts.files, formatBytes(counts.bytes), counts.skipped];
  // Whole sentences for translators: one file or several, with links or special files left out or not.
  void vscode.window.showInformationMessage(
    counts.skipped
      ? counts.files === 1
        ? vscode.l10n.t('Downloaded {0} to {1}: {2} file, {3} ({4} links or special files not made).', ...args)
        : vscode.l10n.t('Downloaded {0} to {1}: {2} files, {3} ({4} links or special files not made).', ...args)
      : counts.files === 1
        ? vscode.l10n.t('Downloaded {0} to {1}: {2} file, {3}.', ...args)
        : vscode.l10n.t('Downloaded {0} to {1}: {2} files, {3}.', ...args),
  );
  return saved;
}
