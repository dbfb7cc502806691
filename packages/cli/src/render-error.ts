import { isSftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import { CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** Codes that mean the input was wrong (exit 2) rather than an appliance failing (exit 1). */
const INPUT_CODES: ReadonlySet<SftunnelCaErrorCode> = new Set<SftunnelCaErrorCode>([
  'PEM_INVALID',
  'INVALID_UUID',
  'INVALID_ARGUMENT',
  'KEY_NOT_RSA',
  'NOT_A_CA',
  'SFTUNNEL_CONF_SYNTAX',
  'FAILED_PUSH_SYNTAX',
  'FAILED_PUSH_UNSAFE_PATH',
  'DEVICES_CSV_SYNTAX',
  'DEVICES_CSV_MISSING_COLUMN',
  'DEVICES_CSV_INVALID_VALUE',
  'SECRET_REFERENCE_UNRESOLVED',
  'VERSION_INVALID',
  'KNOWN_HOSTS_INVALID',
  'INVENTORY_INVALID',
  'DEVICE_CREDENTIALS_MISSING',
  'JOURNAL_INVALID',
  'RENEWAL_COVERAGE_INCOMPLETE',
  'ROLLBACK_WOULD_STRAND',
  'ROLLBACK_STALE',
]);

/**
 * Prints an error on stderr — code, what, where and what to do — and returns the exit code.
 * Unexpected errors print their stack, since they are bugs to report.
 */
export function renderError(io: CliIo, error: unknown, json: boolean): ExitCode {
  if (error instanceof CommanderError) return EXIT_CODES.USAGE; // commander has printed it
  if (error instanceof CliUsageError) {
    report(io, json, { code: error.code, message: error.message, remedy: 'see sftunnel-ca --help' });
    return EXIT_CODES.USAGE;
  }
  if (isSftunnelCaError(error)) {
    report(io, json, error.toJSON());
    if (error.code === 'PREFLIGHT_REFUSED') return EXIT_CODES.PREFLIGHT_REFUSED;
    return INPUT_CODES.has(error.code) ? EXIT_CODES.USAGE : EXIT_CODES.FAILED;
  }
  io.stderr.write(`sftunnel-ca: unexpected error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_CODES.FAILED;
}

function report(io: CliIo, json: boolean, details: Record<string, unknown>): void {
  if (json) {
    io.stderr.write(`${JSON.stringify({ schema: 'sftunnel-ca/error/v1', error: details })}\n`);
    return;
  }
  io.stderr.write(`sftunnel-ca: ${String(details.code)}: ${String(details.message)}\n  what to do: ${String(details.remedy)}\n`);
}
