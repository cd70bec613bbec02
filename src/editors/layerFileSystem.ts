/**
 * The `strata-layer:` file system: files as a layer of an image wrote them, read-only.
 * VS Code reads them as any file, so it picks the editor (text, or its binary editor for
 * bytes it cannot show) and names the tab by the file's name. A file over
 * strata.files.openLimit is read only when the user agreed (the open command asks).
 */
import * as vscode from 'vscode';
import { formatBytes } from '../shared/format';
import { FileTooLargeError } from '../analysis/files/layerFileReader';
import { LayerFileError } from '../sources/layerFiles';
import type { LayerImages } from './layerImages';
import { LayerFileUriError, parseLayerFileUri } from './layerFileUri';

export class LayerFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(
    private readonly images: LayerImages,
    /** Files up to this size are read without asking; the open command asks for larger ones first. */
    private readonly allowed: (uri: vscode.Uri) => number,
  ) {}

  private async find(uri: vscode.Uri) {
    try {
      return await this.images.find(parseLayerFileUri(uri));
    } catch (err) {
      // Said as VS Code says a missing file, with Strata's sentence.
      if (err instanceof LayerFileError || err instanceof LayerFileUriError) {
        throw vscode.FileSystemError.FileNotFound(err.message);
      }
      throw err;
    }
  }

  watch(): vscode.Disposable {
    // A layer never changes.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { found } = await this.find(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: found.entry.size, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { image, found } = await this.find(uri);
    const limit = this.allowed(uri);
    const tooLarge = () =>
      vscode.FileSystemError.NoPermissions(
        vscode.l10n.t('/{0} is {1}, over strata.files.openLimit ({2}): open it from the Layers panel, which asks first.', found.path, formatBytes(found.entry.size), formatBytes(limit)),
      );
    if (found.entry.size > limit) {
      // Opened some other way than the panel (a restored editor): no large read unasked.
      throw tooLarge();
    }
    try {
      return await this.images.read(image, found, { maxBytes: limit });
    } catch (err) {
      if (err instanceof FileTooLargeError) {
        throw tooLarge();
      }
      if (err instanceof LayerFileError) {
        throw vscode.FileSystemError.FileNotFound(err.message);
      }
      throw err;
    }
  }

  readDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.FileNotADirectory(uri);
  }

  // Read-only: a layer is looked at, never changed.
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

  dispose(): void {
    this.changed.dispose();
  }
}
