import * as assert from 'assert';
import {
  FrameDemuxer,
  LineBatcher,
  type LogLine,
  LogParser,
  sinceParameter,
  LogResume,
  splitTimestamp,
  stripAnsi,
  timestampNanos,
} from '../../../src/engine/streams/logStream';
import { LineAssembler } from '../../../src/engine/api/lineAssembler';
import { FakeClock } from '../../harness/twin/fakeClock';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Every way of cutting `data` into chunks at the given cut points. */
function chunked(data: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < data.length).sort((a, b) => a - b), data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

function parse(chunks: Buffer[], tty = false, timestamps = false): LogLine[] {
  const lines: LogLine[] = [];
  const parser = new LogParser({ tty, timestamps }, (l) => lines.push(l));
  for (const c of chunks) {
    parser.push(c);
  }
  parser.end();
  return lines;
}

describe('FrameDemuxer', () => {
  const data = Buffer.concat([frame(1, 'out one\nout '), frame(2, 'err one\n'), frame(1, 'two\n'), frame(2, '')]);

  it('splits stdout and stderr payloads wherever the chunks are cut, header included', () => {
    // Every single cut point, including inside the 8-byte headers.
    for (let cut = 0; cut <= data.length; cut++) {
      const got: string[] = [];
      const d = new FrameDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
      for (const c of chunked(data, [cut])) {
        d.push(c);
      }
      assert.deepStrictEqual(got, ['stdout:out one\nout ', 'stderr:err one\n', 'stdout:two\n', 'stderr:'], `cut at ${cut}`);
      assert.strictEqual(d.buffered, 0);
    }
  });

  it('one byte at a time', () => {
    const got: string[] = [];
    const d = new FrameDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
    for (let i = 0; i < data.length; i++) {
      d.push(data.subarray(i, i + 1));
    }
    assert.strictEqual(got.join('|'), 'stdout:out one\nout |stderr:err one\n|stdout:two\n|stderr:');
  });
});

describe('LineAssembler', () => {
  it('joins lines split across chunks, CRLF and a multi-byte character split in two', () => {
    const a = new LineAssembler();
    const euro = Buffer.from('€'); // 3 bytes
    assert.deepStrictEqual(a.push(Buffer.from('first\r\nsec')), ['first']);
    assert.deepStrictEqual(a.push(Buffer.concat([Buffer.from('ond '), euro.subarray(0, 1)])), []);
    assert.deepStrictEqual(a.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')])), ['second €', '']);
    assert.deepStrictEqual(a.end(), ['last']);
    assert.deepStrictEqual(a.end(), []);
  });
});

describe('LogParser', () => {
  const data = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'oops\n'), frame(1, 'ld\n\u001b[31mred\u001b[0m\n')]);
  const expected: LogLine[] = [
    { source: 'stdout', text: 'hello', timestamp: undefined },
    { source: 'stderr', text: 'oops', timestamp: undefined },
    { source: 'stdout', text: 'world', timestamp: undefined },
    { source: 'stdout', text: 'red', timestamp: undefined },
  ];

  it('non-TTY: the same lines in the same order for every two cut points', () => {
    for (let a = 0; a <= data.length; a += 3) {
      for (let b = a; b <= data.length; b += 5) {
        assert.deepStrictEqual(parse(chunked(data, [a, b])), expected, `cuts ${a}, ${b}`);
      }
    }
  });

  it('TTY: raw bytes, all stdout (no frame headers to strip)', () => {
    assert.deepStrictEqual(parse([Buffer.from('a\r\nb'), Buffer.from('\n\u001b[1mc\u001b[0m')], true), [
      { source: 'stdout', text: 'a', timestamp: undefined },
      { source: 'stdout', text: 'b', timestamp: undefined },
      { source: 'stdout', text: 'c', timestamp: undefined },
    ]);
  });

  it('timestamps are split off each line, per stream', () => {
    const ts = Buffer.concat([frame(1, '2026-11-27T10:00:00.123456789Z out\n'), frame(2, '2026-11-27T10:00:01Z err\n')]);
    assert.deepStrictEqual(parse([ts], false, true), [
      { source: 'stdout', text: 'out', timestamp: '2026-11-27T10:00:00.123456789Z' },
      { source: 'stderr', text: 'err', timestamp: '2026-11-27T10:00:01Z' },
    ]);
  });
});

describe('stripAnsi', () => {
  const cases: Array<[string, string]> = [
    ['\u001b[31mred\u001b[0m', 'red'],
    ['\u001b[1;32;40mbold green\u001b[m', 'bold green'],
    ['\u001b[2K\u001b[1Gprogress', 'progress'],
    ['\u001b]0;title\u0007text', 'text'],
    ['\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['plain [brackets] stay', 'plain [brackets] stay'],
  ];
  for (const [input, output] of cases) {
    it(JSON.stringify(input), () => assert.strictEqual(stripAnsi(input), output));
  }
});

describe('timestamps', () => {
  it('splitTimestamp leaves lines without one alone', () => {
    assert.deepStrictEqual(splitTimestamp('no stamp here'), { text: 'no stamp here' });
    assert.deepStrictEqual(splitTimestamp('2026-11-27T10:00:00.5Z x'), { timestamp: '2026-11-27T10:00:00.5Z', text: 'x' });
  });
  it('timestampNanos orders what string comparison gets wrong (trimmed zeros)', () => {
    const a = timestampNanos('2026-11-27T10:00:00.5Z');
    const b = timestampNanos('2026-11-27T10:00:00.123456789Z');
    assert.ok(a > b);
    assert.strictEqual(a - b, 376_543_211n);
  });
  it('sinceParameter gives seconds.nanoseconds', () =>
    assert.strictEqual(sinceParameter(timestampNanos('2026-11-27T10:00:00.000000042Z')), `${Date.parse('2026-11-27T10:00:00Z') / 1000}.000000042`));
});

describe('LogResume', () => {
  const T1 = '2026-11-27T10:00:01Z';
  const T2 = '2026-11-27T10:00:02Z';
  it('to-the-second timestamps (Podman): a resumed stream skips exactly the lines delivered at the last second', () => {
    const first = new LogResume();
    const delivered = ['a', 'b', 'c'].filter((_, i) => first.accept('stdout', i === 0 ? T1 : T2));
    assert.strictEqual(delivered.length, 3);
    assert.deepStrictEqual(first.current.stdout, { timestamp: T2, count: 2 });
    // The engine sends again from one second before: T1 (a), T2 (b, c), and then the new T2 (d) and later.
    const again = new LogResume(first.current);
    assert.strictEqual(again.since(), `${Date.parse(T2) / 1000 - 1}.000000000`);
    again.resumed();
    const resent: Array<[string, string]> = [[T1, 'a'], [T2, 'b'], [T2, 'c'], [T2, 'd'], ['2026-11-27T10:00:03Z', 'e']];
    assert.deepStrictEqual(resent.filter(([ts]) => again.accept('stdout', ts)).map(([, t]) => t), ['d', 'e']);
  });
  it('each stream by itself: stderr behind stdout loses nothing', () => {
    const r = new LogResume({ stdout: { timestamp: T2, count: 1 }, stderr: { timestamp: T1, count: 1 } });
    assert.strictEqual(r.since(), `${Date.parse(T1) / 1000 - 1}.000000000`);
    r.resumed();
    assert.strictEqual(r.accept('stderr', T1), false);
    assert.strictEqual(r.accept('stderr', '2026-11-27T10:00:01.5Z'), true);
    assert.strictEqual(r.accept('stdout', T2), false);
    assert.strictEqual(r.accept('stdout', T2), true);
  });
  it('a fresh follow accepts everything and asks for no since', () => {
    const r = new LogResume();
    assert.strictEqual(r.since(), undefined);
    assert.ok(r.accept('stdout', T1) && r.accept('stdout', undefined));
  });
});

describe('LineBatcher', () => {
  it('flushes at the size limit at once, in order', () => {
    const out: string[] = [];
    const b = new LineBatcher((t) => out.push(t), { intervalMs: 10_000, maxChars: 10 });
    b.add('12345');
    assert.deepStrictEqual(out, []);
    b.add('6789');
    assert.deepStrictEqual(out, ['12345\n6789\n']);
    b.dispose();
  });

  it('flushes after the interval when the size is not reached', () => {
    const clock = new FakeClock();
    const out: string[] = [];
    const b = new LineBatcher((t) => out.push(t), { intervalMs: 20, maxChars: 1000, timers: clock });
    b.add('a');
    clock.advance(10);
    b.add('b');
    clock.advance(9);
    assert.deepStrictEqual(out, [], 'held until 20 ms after the first line');
    clock.advance(1);
    assert.deepStrictEqual(out, ['a\nb\n']);
    b.add('c');
    clock.advance(20);
    assert.deepStrictEqual(out, ['a\nb\n', 'c\n'], 'the next batch waits its own interval');
  });

  it('100,000 lines become few appends, nothing lost', () => {
    const out: string[] = [];
    const b = new LineBatcher((t) => out.push(t), { intervalMs: 50, maxChars: 64 * 1024 });
    for (let i = 0; i < 100_000; i++) {
      b.add(`line ${i}`);
    }
    b.flush();
    const lines = out.join('').split('\n').slice(0, -1);
    assert.strictEqual(lines.length, 100_000);
    assert.strictEqual(lines[99_999], 'line 99999');
    assert.ok(out.length < 30, `${out.length} appends`);
  });
});
