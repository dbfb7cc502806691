import { SftunnelCaError } from '@sftunnel-ca/core';

/**
 * The lab's clock: it runs with real time from the moment the lab starts, and moves forward on
 * request (past a CA's notAfter, for instance). Appliances log, verify certificates and answer
 * `openssl x509 -checkend` at this time; OpenSSL's own clock cannot be moved, so the lab lets
 * OpenSSL do the handshake and checks validity itself at {@link LabClock.now}.
 *
 * @example
 * ```ts
 * const clock = new LabClock(new Date('2034-10-01T00:00:00Z'));
 * clock.advance(30 * 86_400_000); // thirty days later
 * ```
 */
export class LabClock {
  /** Lab time minus real time, in ms. */
  #offsetMs: number;
  readonly #realNow: () => number;

  /**
   * @param start - the lab time now; default the real time
   * @param realNow - the real clock (injectable for tests); default `Date.now`
   */
  constructor(start?: Date, realNow: () => number = Date.now) {
    this.#realNow = realNow;
    this.#offsetMs = start === undefined ? 0 : start.getTime() - realNow();
  }

  /** The current lab time. */
  now(): Date {
    return new Date(this.#realNow() + this.#offsetMs);
  }

  /**
   * Moves the clock forward.
   *
   * @param ms - how far, in milliseconds (≥ 0)
   * @throws SftunnelCaError `INVALID_ARGUMENT` for a negative or non-finite amount
   */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new SftunnelCaError('INVALID_ARGUMENT', `the lab clock only moves forward; advance(${String(ms)}) needs a finite amount ≥ 0 ms`, { step: 'lab-clock' });
    }
    this.#offsetMs += ms;
    return this.now();
  }

  /**
   * Sets the lab time, which must not be earlier than the current lab time.
   *
   * @param date - the new lab time
   * @throws SftunnelCaError `INVALID_ARGUMENT` when `date` is in the lab's past
   */
  setNow(date: Date): Date {
    const delta = date.getTime() - this.now().getTime();
    if (!Number.isFinite(delta) || delta < -1000) {
      throw new SftunnelCaError('INVALID_ARGUMENT', `the lab clock only moves forward; ${date.toISOString()} is before ${this.now().toISOString()}`, { step: 'lab-clock' });
    }
    this.#offsetMs += Math.max(0, delta);
    return this.now();
  }
}
