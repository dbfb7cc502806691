/** What became of one item of {@link runBounded}. */
export type BoundedOutcome<R> = { readonly started: true; readonly value: R } | { readonly started: false };

/**
 * Runs `worker` over `items` with at most `concurrency` in flight, in order of `items`. Before each
 * start it asks `mayStart()`; once that says no, no further item starts (those in flight finish)
 * and the rest are reported as not started. `worker` must not throw: it returns its outcome.
 *
 * @param items - the work, in the order it starts
 * @param concurrency - at most this many at once (≥ 1)
 * @param worker - does one item
 * @param mayStart - whether new items may still start; default always
 */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  mayStart: () => boolean = () => true,
): Promise<BoundedOutcome<R>[]> {
  const outcomes: BoundedOutcome<R>[] = items.map(() => ({ started: false }));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && mayStart()) {
      const index = next++;
      outcomes[index] = { started: true, value: await worker(items[index] as T, index) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return outcomes;
}
