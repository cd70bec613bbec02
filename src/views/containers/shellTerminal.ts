/**
 * A VS Code terminal on a container's TTY stream (an exec session for Attach Shell, the
 * container's own for Run Interactive): keys go to the stream, output to the terminal,
 * resizing follows the terminal, closing the terminal ends the session, and when the
 * session ends its exit code is shown.
 */
import { StringDecoder } from 'string_decoder';
import * as vscode from 'vscode';

export interface TtySession {
  stream: NodeJS.ReadWriteStream;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once it ended (undefined when the engine does not know). */
  exitCode(): Promise<number | undefined>;
  /** Ends what runs behind the stream (the terminal was closed). */
  end(): Promise<void>;
}

export class ShellTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private readonly closed = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closed.event;
  private ended = false;
  /** A character split across two chunks is written whole. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly session: TtySession,
    private readonly title: string,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) {
      this.setDimensions(dimensions);
    }
    this.session.stream.on('data', (chunk: Buffer) => this.write(this.decoder.write(chunk)));
    const finish = () => void this.finish();
    this.session.stream.on('end', finish);
    this.session.stream.on('close', finish);
    this.session.stream.on('error', finish);
  }

  handleInput(data: string): void {
    if (!this.ended) {
      this.session.stream.write(data);
    }
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    void this.session.resize(dimensions.columns, dimensions.rows);
  }

  /** The user closed the terminal: the session ends with it (the exec's shell gets EOF). */
  close(): void {
    if (!this.ended) {
      this.ended = true;
      void this.session.end();
    }
  }

  private write(text: string): void {
    this.written.fire(text);
  }

  private async finish(): Promise<void> {
    if (this.ended) {
      return;
    }
    this.ended = true;
    const code = await this.session.exitCode().catch(() => undefined);
    const ended =
      code === undefined
        ? vscode.l10n.t('— {0} ended; press any key to close —', this.title)
        : vscode.l10n.t('— {0} ended with exit code {1}; press any key to close —', this.title, code);
    this.write(`\r\n\x1b[2m${ended}\x1b[0m\r\n`);
    // The terminal stays to be read; a key closes it.
    this.handleInput = () => this.closed.fire(code ?? 0);
  }
}
