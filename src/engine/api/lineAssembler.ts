/**
 * The engine's streams of lines (pull and push progress, events, log lines) are bytes in
 * chunks that split lines and UTF-8 characters anywhere: this puts the lines back together.
 */
import { StringDecoder } from 'string_decoder';

/** Turns bytes of one stream into whole lines (`\n` or `\r\n`), keeping the unfinished rest. */
export class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  push(bytes: Buffer): string[] {
    const lines: string[] = [];
    this.each(bytes, (l) => lines.push(l));
    return lines;
  }

  /** As push, a callback per line instead of an array per chunk. */
  each(bytes: Buffer, onLine: (line: string) => void): void {
    const decoded = this.decoder.write(bytes);
    const text = this.rest ? this.rest + decoded : decoded;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      // `\r\n`, and `\r\r\n` from a TTY whose program already wrote `\r\n`.
      let end = nl;
      while (end > start && text.charCodeAt(end - 1) === 13) {
        end--;
      }
      onLine(text.slice(start, end));
      start = nl + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
  }

  /** The last line, when the stream ends without a newline. */
  end(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last ? [last] : [];
  }
}
