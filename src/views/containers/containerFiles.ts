/**
 * A container's files in the Containers view (a "Files" node under each container,
 * running or stopped) and in read-only editors, through the archive API only:
 * - `ContainerFileNode`s list a folder's children (folders with the size below them);
 * - `ContainerFileSystem` serves `strata-container://<container id>/path` read-only, so
 *   files open in ordinary editors with nothing to save.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { EngineRef } from '../../engine/activeEngine';
import { type ContainerEntry, listChildren, readFile } from '../../engine/api/containerFiles';
import { formatBytes } from '../../shared/format';

export const CONTAINER_FILE_SCHEME = 'strata-container';

export function containerFileUri(containerId: string, filePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_FILE_SCHEME, authority: containerId.slice(0, 64), path: filePath });
}

/** A folder or file in a container; `entry` is undefined for the "Files" node (the root). */
export class ContainerFileNode extends vscode.TreeItem {
  constructor(
    readonly containerId: string,
    readonly containerName: string,
    readonly filePath: string,
    readonly entry?: ContainerEntry,
  ) {
    const isFolder = !entry || entry.type === 'dir';
    super(entry ? entry.name : vscode.l10n.t('Files'), isFolder ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `container:${containerId}/files:${filePath}`;
    this.contextValue = entry ? `containerFile.${isFolder ? 'folder' : entry.type}` : 'containerFile.root';
    if (!entry) {
      this.iconPath = new vscode.ThemeIcon('files');
      this.description = '/';
      return;
    }
    this.description = `${formatBytes(entry.size)}${entry.linkTarget ? ` → ${entry.linkTarget}` : ''}`;
    this.iconPath = new vscode.ThemeIcon(isFolder ? 'folder' : entry.type === 'symlink' ? 'file-symlink-file' : 'file');
    const bytes = entry.size.toLocaleString('en-US');
    const mode = (entry.mode & 0o7777).toString(8);
    this.tooltip = `${filePath}\n${isFolder ? vscode.l10n.t('{0} bytes below · mode {1}', bytes, mode) : vscode.l10n.t('{0} bytes · mode {1}', bytes, mode)}`;
    if (entry.type === 'file') {
      this.command = { command: 'strata.containerFile.open', title: vscode.l10n.t('Open'), arguments: [this] };
    }
  }
}

/** The children of a folder node, listed from the archive of that folder. */
export async function folderChildren(ref: EngineRef, node: ContainerFileNode): Promise<ContainerFileNode[]> {
  const engine = ref.engine;
  const entries = await listChildren(await engine.containerArchive(node.containerId, node.filePath), node.filePath);
  return entries.map((e) => new ContainerFileNode(node.containerId, node.containerName, e.path, e));
}

export class ContainerFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(
    private readonly ref: EngineRef,
    /** Files up to this size are read without asking; the open command asks for larger ones first. */
    private readonly allowed: (uri: vscode.Uri) => number,
  ) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const stat = await this.ref.engine.containerPathStat(uri.authority, uri.path);
    if (!stat) {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const mode = stat.mode >>> 0;
    // Go's os.FileMode: the directory bit is the top one, the symlink bit the 28th.
    const type = mode & 0x80000000 ? vscode.FileType.Directory : mode & 0x8000000 ? vscode.FileType.SymbolicLink : vscode.FileType.File;
    return { type, ctime: 0, mtime: Date.parse(stat.mtime) || 0, size: stat.size, permissions: vscode.FilePermission.Readonly };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const entries = await listChildren(await this.ref.engine.containerArchive(uri.authority, uri.path), uri.path);
    return entries.map((e) => [e.name, e.type === 'dir' ? vscode.FileType.Directory : e.type === 'symlink' ? vscode.FileType.SymbolicLink : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const stat = await this.ref.engine.containerPathStat(uri.authority, uri.path);
    if (!stat) {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const limit = this.allowed(uri);
    if (stat.size > limit) {
      // Opened some other way than the Files node (a restored editor): no large read unasked.
      throw vscode.FileSystemError.NoPermissions(
        vscode.l10n.t("{0} is {1}, over strata.files.openLimit ({2}): open it from the container's Files, which asks first.", uri.path, formatBytes(stat.size), formatBytes(limit)),
      );
    }
    return readFile(await this.ref.engine.containerArchive(uri.authority, uri.path), limit);
  }

  // Read-only: the container's files are looked at, never changed from here.
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

export function fileName(filePath: string): string {
  return path.posix.basename(filePath) || '/';
}
