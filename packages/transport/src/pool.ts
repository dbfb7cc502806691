import { SftunnelCaError } from '@sftunnel-ca/core';

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Items in flight at once; default `16`. */
  readonly concurrency?: number;
  /** Stops starting new items; those not started end as `OPERATION_ABORTED`. */
  readonly signal?: AbortSignal;
}

/** The outcome of one item of {@link runPool}: its value, or the error it threw. */
export type PoolOutcome<T, R> =
  | {
      /** The item. */
      readonly item: T;
      /** Its position in the items. */
      readonly index: number;
      /** Succeeded. */
      readonly ok: true;
      /** What the worker returned. */
      readonly value: R;
    }
  | {
      /** The item. */
      readonly item: T;
      /** Its position in the items. */
      readonly index: number;
      /** Failed (or was never started after an abort). */
      readonly ok: false;
      /** What the worker threw. */
      readonly error: unknown;
    };

/**
 * Runs `worker` over every item with at most `concurrency` in flight: fleet work without
 * opening a thousand SSH sessions at once. One failure never stops the others; every item
 * gets an outcome record, in the items' order.
 *
 * @example
 * ```ts
 * const outcomes = await runPool(devices, async (device) => {
 *   const host = await SshHost.connect({ ...device, strategy: 'expert' });
 *   try { return await host.stat('/var/sf/peers'); } finally { await host.close(); }
 * }, { concurrency: 16 });
 * ```
 */
export async function runPool<T, R>(
  items: readonly T[],
  worker: (item: T, index: number) => Promise<R>,
  options: PoolOptions = {},
): Promise<PoolOutcome<T, R>[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  const outcomes = new Array<PoolOutcome<T, R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index] as T;
      if (options.signal?.aborted === true) {
        const error = new SftunnelCaError('OPERATION_ABORTED', 'the fleet run was cancelled before this item started', {
          step: 'pool',
          cause: options.signal.reason,
        });
        outcomes[index] = { item, index, ok: false, error };
        continue;
      }
      try {
        outcomes[index] = { item, index, ok: true, value: await worker(item, index) };
      } catch (error) {
        outcomes[index] = { item, index, ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return outcomes;
}
