import { isSftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';

/** How often and how patiently to retry a transient failure. */
export interface RetryOptions {
  /** Attempts in all, the first included; default `3`. */
  readonly attempts?: number;
  /** Delay before the second attempt in milliseconds, doubled each time; default `500`. */
  readonly baseDelayMs?: number;
  /** Upper bound of one delay; default `5000`. */
  readonly maxDelayMs?: number;
  /** A number in [0, 1) for the jitter; default `Math.random`. */
  readonly random?: () => number;
  /**
   * The failure codes worth another attempt; default {@link TRANSIENT_ERROR_CODES}. A fleet run
   * leaves out `CONNECT_TIMEOUT`: a device that did not answer within the connect timeout costs
   * that timeout once, not once per attempt.
   */
  readonly retryOn?: ReadonlySet<SftunnelCaErrorCode>;
}

/** The failures worth another attempt: the network, not the credentials or the host key. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<SftunnelCaErrorCode> = new Set<SftunnelCaErrorCode>([
  'CONNECT_REFUSED',
  'CONNECT_TIMEOUT',
  'CONNECTION_LOST',
]);

/**
 * Runs `attempt` until it succeeds, it fails with an error not worth retrying (see `retryOn`), the attempts run out,
 * or the signal aborts. Delays grow exponentially with full jitter.
 *
 * @param attempt - called with the 1-based attempt number
 * @param onRetry - told before each wait, e.g. to emit an event
 *
 * @example
 * ```ts
 * const host = await retryTransient((n) => SshHost.connect({ ...options, retry: { attempts: 1 } }), { attempts: 5, baseDelayMs: 1_000 }, ({ attempt, delayMs }) =>
 *   console.error(`attempt ${attempt} in ${delayMs} ms`),
 * );
 * ```
 */
export async function retryTransient<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions & { readonly signal?: AbortSignal | undefined },
  onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: unknown }) => void,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const transient = isSftunnelCaError(error) && (options.retryOn ?? TRANSIENT_ERROR_CODES).has(error.code);
      if (!transient || n >= attempts || options.signal?.aborted === true) throw error;
      const delayMs = Math.round(Math.min(max, base * 2 ** (n - 1)) * (0.5 + random() / 2));
      onRetry?.({ attempt: n + 1, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
