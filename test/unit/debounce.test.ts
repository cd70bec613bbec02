/**
 * The refresh debounce on a clock the test moves: how many calls a burst and a storm
 * make, and when, whatever the machine's speed.
 */
import * as assert from 'assert';
import { debounce } from '../../src/views/liveUpdates';
import { FakeClock } from '../harness/twin/fakeClock';

describe('debounce', () => {
  it('a burst makes one call, after the last', () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const d = debounce(() => calls.push(clock.now()), 40, 1000, clock);
    // Ten calls 5 ms apart: the last at 45 ms.
    for (let i = 0; i < 10; i++) {
      d();
      clock.advance(5);
    }
    clock.advance(34);
    assert.deepStrictEqual(calls, [], 'nothing before 40 ms after the last call');
    clock.advance(1);
    assert.deepStrictEqual(calls, [85]);
    clock.advance(1000);
    assert.deepStrictEqual(calls, [85], 'one call for the burst');
  });

  it('a storm that never pauses still calls, at most once per maxWait, and once after it ends', () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const d = debounce(() => calls.push(clock.now()), 50, 300, clock);
    // A call every 10 ms for a second: never a 50 ms pause.
    for (let i = 0; i < 100; i++) {
      d();
      clock.advance(10);
    }
    clock.advance(100);
    // Each 300 ms after the first call of its round; the last 50 ms after the storm's last call (990 ms).
    assert.deepStrictEqual(calls, [300, 600, 900, 1040]);
  });
});
