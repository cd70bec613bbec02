import * as assert from 'assert';
import { formatAge, formatBytes, shortId } from '../../src/shared/format';

describe('formatBytes', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1536, '1.54 kB'],
    [2_000_000, '2 MB'],
    [12_345_678, '12.3 MB'],
    [199_400_000, '199 MB'],
    [1_500_000_000, '1.5 GB'],
    [-1, '?'],
    [Number.NaN, '?'],
  ];
  for (const [bytes, text] of cases) {
    it(`${bytes} → ${text}`, () => assert.strictEqual(formatBytes(bytes), text));
  }
});

describe('formatAge', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const cases: Array<[number, string]> = [
    [0, 'just now'],
    [59, 'just now'],
    [60, '1 minute ago'],
    [125, '2 minutes ago'],
    [3600, '1 hour ago'],
    [2 * 86400, '2 days ago'],
    [8 * 86400, '1 week ago'],
    [40 * 86400, '1 month ago'],
    [800 * 86400, '2 years ago'],
    [-3600, 'in the future'],
  ];
  for (const [seconds, text] of cases) {
    it(`${seconds} s → ${text}`, () => assert.strictEqual(formatAge(ago(seconds), now), text));
  }
  it('an invalid date says so', () => assert.strictEqual(formatAge(new Date(Number.NaN), now), 'unknown age'));
});

describe('shortId', () => {
  it('drops the algorithm and keeps 12 hex digits', () => {
    assert.strictEqual(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
    assert.strictEqual(shortId('0123456789abcdef'), '0123456789ab');
  });
});
