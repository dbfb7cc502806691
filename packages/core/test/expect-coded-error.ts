import { expect } from 'vitest';
import type { SftunnelCaErrorCode } from '../src/errors/error-codes.js';
import { isSftunnelCaError, type SftunnelCaError } from '../src/errors/sftunnel-ca-error.js';

/** Runs `action`, expects it to throw a {@link SftunnelCaError} with `code`, and returns the error. */
export function expectCodedError(action: () => unknown, code: SftunnelCaErrorCode): SftunnelCaError {
  try {
    action();
  } catch (error) {
    if (!isSftunnelCaError(error)) throw error;
    expect(error.code).toBe(code);
    return error;
  }
  return expect.fail(`expected ${code}, but nothing was thrown`);
}

/** Runs `action` on arbitrary input: it may return or throw a {@link SftunnelCaError}, nothing else. */
export function onlyCodedErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!isSftunnelCaError(error)) throw error;
  }
}

/**
 * Awaits `action`, expects it to reject (or throw) a {@link SftunnelCaError} with `code` whose
 * message carries no ASN.1 or stack-trace noise, and returns the error.
 */
export async function expectCodedRejection(action: () => unknown, code: SftunnelCaErrorCode): Promise<SftunnelCaError> {
  try {
    await action();
  } catch (error) {
    if (!isSftunnelCaError(error)) throw error;
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/asn1|AsnParser|at Object\.|\.js:\d+/i);
    return error;
  }
  return expect.fail(`expected ${code}, but nothing was thrown`);
}
