import { SftunnelCaError, type Host } from '@sftunnel-ca/core';

/** Arguments of {@link withHostDeadline}. */
export interface HostDeadlineParams {
  /** The FMC's label, for the error. */
  readonly fmc: string;
  /** Milliseconds for connecting and reading together. */
  readonly deadlineMs: number;
  /** Opens the host; aborted at the deadline. */
  readonly connect: (signal: AbortSignal) => Promise<Host>;
}

/**
 * Opens a host, runs `read` on it, and closes it, all within a deadline. At the deadline the
 * signal aborts and the host is closed, which fails whatever it was doing, and the promise
 * rejects at once with `EXPORTER_COLLECT_DEADLINE`: a hung FMC never holds a collection round.
 *
 * @param params - the FMC, the deadline and how to connect
 * @param read - what to do with the host
 */
export async function withHostDeadline<T>(params: HostDeadlineParams, read: (host: Host, signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const expired = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  const timer = setTimeout(() => {
    controller.abort(new SftunnelCaError('EXPORTER_COLLECT_DEADLINE', `reading the FMC did not finish within ${params.deadlineMs} ms`, { host: params.fmc, step: 'collect' }));
  }, params.deadlineMs);
  const work = (async () => {
    const host = await params.connect(signal);
    const close = (): void => void host.close().catch(() => undefined); // closing is best effort: the reading's outcome is what counts
    signal.addEventListener('abort', close, { once: true });
    if (signal.aborted) close();
    try {
      return await read(host, signal);
    } finally {
      signal.removeEventListener('abort', close);
      await host.close();
    }
  })();
  work.catch(() => undefined); // once the deadline has won the race, the work's own failure is moot
  expired.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
