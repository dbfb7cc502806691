import { isSftunnelCaError } from '@sftunnel-ca/core';
import { CliUsageError } from '../src/cli-usage-error.js';

/**
 * Runs `action` on arbitrary input: it may return, or throw the CLI's coded errors (a
 * {@link CliUsageError} or a `SftunnelCaError`), nothing else.
 */
export function onlyCliErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof CliUsageError) && !isSftunnelCaError(error)) throw error;
  }
}
