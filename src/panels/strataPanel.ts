/**
 * What both panels are: a webview panel per subject (shown again when asked twice), its
 * page, its channel (src/panels/hostChannel.ts), the reads it started stopped when it
 * closes, and an export read with its progress in a notification and in the page. Each
 * panel keeps only what is its own: its protocol's handlers and what it draws.
 */
import type { Readable } from 'stream';
import * as vscode from 'vscode';
import type { Message } from '../protocol/channel';
import { Disposable } from '../shared/lifecycle';
import { type ExportProgressWords, exportProgress } from './exportProgress';
import { type ChannelHandlers, HostChannel } from './hostChannel';
import { panelOptions, webviewHtml } from './webviewHtml';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  /** Sees every message a panel posts (only the extension-host tests set it). */
  observePanel?(panel: { viewType: string; key: string }, message: unknown): void;
}

/** The page: its title, its styles and script, as paths inside the extension. */
export interface PanelPage {
  title: string;
  styles: string[][];
  script: string[];
}

/** How a panel's export read is shown: the notification's title and words, and where the page hears of it. */
export interface ReadProgress {
  title: string;
  total: number;
  words: ExportProgressWords;
  /** The page's own progress line. */
  post(bytesRead: number, total: number, waitingMs?: number): void;
}

export abstract class StrataPanel<State extends { key: string }, To extends Message, From extends Message> extends Disposable {
  /** The panel's side of its protocol: `receive` is what the webview sends. */
  readonly channel: HostChannel<To, From>;
  /** Aborted when the panel closes: the reads it started stop (unless another panel waits for them too). */
  protected readonly closed = new AbortController();

  /** The open panel of a kind for a subject, revealed; or a new webview panel for a new one. */
  protected static reveal<P extends { panel: vscode.WebviewPanel }>(open: Map<string, P>, key: string): P | undefined {
    const existing = open.get(key);
    existing?.panel.reveal();
    return existing;
  }

  protected static createWebviewPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, panelOptions(extensionUri));
  }

  protected constructor(
    deps: PanelDeps,
    readonly panel: vscode.WebviewPanel,
    readonly state: State,
    /** The open panels of this kind, by subject. */
    private readonly open: Map<string, object>,
    page: PanelPage,
    handlers: ChannelHandlers<To, From>,
  ) {
    super();
    open.set(state.key, this);
    // A restored panel's options are not kept by VS Code: set again.
    panel.webview.options = panelOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'strata.svg');
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, page);
    const observe = deps.observePanel;
    this.channel = new HostChannel(panel.webview, handlers, observe ? (m) => observe({ viewType: panel.viewType, key: state.key }, m) : undefined);
    this._register(this.channel.listen());
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    this.closed.abort();
    if (this.open.get(this.state.key) === this) {
      this.open.delete(this.state.key);
    }
    super.dispose();
    this.panel.dispose();
  }

  /**
   * Runs a read of an export with a cancellable notification (bytes read of the total, or
   * how long the engine has been waited for); Cancel and closing the panel abort it.
   */
  protected withReadProgress<T>(shown: ReadProgress, read: (signal: AbortSignal, onProgress: (bytes: number) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: shown.title, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        this.closed.signal.addEventListener('abort', () => abort.abort(), { once: true });
        const reporter = exportProgress(progress, shown.total, shown.words, (bytesRead, waitingMs) => shown.post(bytesRead, shown.total, waitingMs));
        try {
          return await read(abort.signal, reporter.onProgress);
        } finally {
          reporter.dispose();
        }
      }),
    );
  }
}

/** An export opened lazily (the read starts it). */
export type OpenExport = () => Promise<Readable>;
