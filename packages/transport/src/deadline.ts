import { SftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';

/** Where and how long: the arguments of {@link withDeadline}. */
export interface DeadlineParams {
  /** Host named in the errors. */
  readonly host: string;
  /** Step named in the errors. */
  readonly step: string;
  /** Milliseconds before the operation is abandoned; `0` or less means no deadline. */
  readonly timeoutMs: number;
  /** Cancels the operation. */
  readonly signal?: AbortSignal | undefined;
  /** The code thrown when the deadline passes; default `OPERATION_TIMEOUT`. */
  readonly timeoutCode?: SftunnelCaErrorCode;
  /**
   * Called once when the deadline passes or the signal aborts, before the promise rejects:
   * tear down whatever the operation holds (a channel, a connection) so nothing hangs on.
   */
  readonly onCancel?: (reason: SftunnelCaError) => void;
}

/**
 * Runs an operation under our own timer and an optional AbortSignal, whatever the library
 * below does: ssh2 channels and streams can wait forever after a reset.
 *
 * @returns the operation's result, or rejects with `OPERATION_TIMEOUT` (or
 * {@link DeadlineParams.timeoutCode}) or `OPERATION_ABORTED`
 */
export function withDeadline<T>(operation: () => Promise<T>, params: DeadlineParams): Promise<T> {
  const { host, step, timeoutMs, signal } = params;
  if (signal?.aborted === true) return Promise.reject(aborted(host, step, signal.reason));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const cancel = (error: SftunnelCaError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      params.onCancel?.(error);
      reject(error);
    };
    const onAbort = (): void => cancel(aborted(host, step, signal?.reason));
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () =>
              cancel(
                new SftunnelCaError(params.timeoutCode ?? 'OPERATION_TIMEOUT', `${step} did not finish within ${timeoutMs} ms`, {
                  host,
                  step,
                }),
              ),
            timeoutMs,
          )
        : undefined;
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    operation().then(
      (value) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      },
    );
  });
}

function aborted(host: string, step: string, reason: unknown): SftunnelCaError {
  return new SftunnelCaError('OPERATION_ABORTED', `${step} was cancelled`, { host, step, cause: reason });
}
