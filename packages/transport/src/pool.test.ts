import { isSftunnelCaError } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { runPool } from './pool.js';

describe('runPool', () => {
  it('keeps at most `concurrency` in flight and returns one outcome per item, in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const outcomes = await runPool(
      Array.from({ length: 20 }, (_, index) => index),
      async (item) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        if (item === 7) throw new Error('device 7 failed');
        return item * 2;
      },
      { concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(outcomes.map((outcome) => outcome.index)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(outcomes[7]).toMatchObject({ ok: false, item: 7 });
    expect(outcomes[8]).toMatchObject({ ok: true, value: 16 });
  });

  it('does not start items after the signal aborts', async () => {
    const controller = new AbortController();
    const outcomes = await runPool(
      [1, 2, 3],
      async (item) => {
        controller.abort();
        return item;
      },
      { concurrency: 1, signal: controller.signal },
    );
    expect(outcomes[0]).toMatchObject({ ok: true, value: 1 });
    expect(outcomes.slice(1).every((outcome) => !outcome.ok && isSftunnelCaError(outcome.error, 'OPERATION_ABORTED'))).toBe(true);
  });
});
