/**
 * Closing a hijacked exec stream does not end the shell behind it: with a TTY, the
 * engine never closes the terminal, so the shell waits for input for ever (the docker
 * CLI leaves such shells behind too). To end it when the user closes the terminal,
 * Strata starts the shell through a line that first names its own PID, as a terminal
 * title sequence (harmless if it ever showed), and later sends that PID a hangup. This
 * module writes that line and takes the sequence out of the output.
 */
import { Duplex } from 'stream';

/** `sh -c` script: say the PID (which `exec` keeps), then become the interactive shell. */
export const ANNOUNCE_PID = 'printf "\\033]0;strata-pid:%s\\007" "$$"; exec "$0"';

// eslint-disable-next-line no-control-regex
const MARKER = /\x1b\]0;strata-pid:(\d+)\x07/;
/** Past this much output without the sequence, none is coming: pass everything on. */
const GIVE_UP_AFTER = 4096;

/** The exec's connection: writes go to it, its output comes out with the PID sequence taken out. */
class ShellStream extends Duplex {
  constructor(private readonly socket: NodeJS.ReadWriteStream) {
    super();
  }
  override _read(): void {
    // Output is pushed as it arrives (the TTY has no pace to keep).
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, (err?: Error | null) => done(err));
  }
  override _final(done: () => void): void {
    this.socket.end();
    done();
  }
  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    (this.socket as NodeJS.ReadWriteStream & { destroy(): void }).destroy();
    done(err);
  }
}

/** The exec's stream with the PID sequence taken out of its output, and the PID. */
export function takeShellPid(socket: NodeJS.ReadWriteStream): { stream: Duplex; pid: Promise<number | undefined> } {
  const stream = new ShellStream(socket);
  let head: Buffer | undefined = Buffer.alloc(0);
  let resolvePid: (pid: number | undefined) => void = () => undefined;
  const pid = new Promise<number | undefined>((r) => (resolvePid = r));
  socket.on('data', (chunk: Buffer) => {
    if (!head) {
      stream.push(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    // latin1 keeps one character per byte, so indexes are byte offsets.
    const m = MARKER.exec(head.toString('latin1'));
    if (m) {
      resolvePid(Number(m[1]));
      stream.push(Buffer.concat([head.subarray(0, m.index), head.subarray(m.index + m[0].length)]));
      head = undefined;
    } else if (head.length > GIVE_UP_AFTER) {
      resolvePid(undefined);
      stream.push(head);
      head = undefined;
    }
  });
  let finished = false;
  const finish = () => {
    if (finished) {
      return;
    }
    finished = true;
    if (head?.length) {
      stream.push(head);
    }
    head = undefined;
    resolvePid(undefined);
    stream.push(null);
  };
  socket.on('end', finish);
  socket.on('close', finish);
  socket.on('error', finish);
  return { stream, pid };
}
