import { describe, expect, it } from 'vitest';
import { runBounded } from './bounded-run.js';

describe('runBounded', () => {
  it('keeps at most `concurrency` items in flight and returns outcomes in item order', async () => {
    let active = 0;
    let peak = 0;
    const outcomes = await runBounded([5, 1, 4, 2, 3, 0], 2, async (ms, index) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, ms));
      active -= 1;
      return index * 10;
    });
    expect(peak).toBe(2);
    expect(outcomes).toEqual([0, 10, 20, 30, 40, 50].map((value) => ({ started: true, value })));
  });

  it('starts nothing more once mayStart says no, and reports the rest as not started', async () => {
    let stop = false;
    const outcomes = await runBounded([1, 2, 3, 4, 5], 1, async (n) => {
      if (n === 2) stop = true;
      return n;
    }, () => !stop);
    expect(outcomes.map((o) => o.started)).toEqual([true, true, false, false, false]);
  });
});
