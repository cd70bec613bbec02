/** What can be disposed (vscode.Disposable has this shape; this file needs no VS Code). */
export interface Disposal {
  dispose(): void;
}

/** Owns disposables and disposes them together, in reverse order of registration. */
export abstract class Disposable implements Disposal {
  private readonly disposables: Disposal[] = [];
  private disposed = false;

  protected _register<T extends Disposal>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.disposables.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    while (this.disposables.length) {
      this.disposables.pop()?.dispose();
    }
  }
}
