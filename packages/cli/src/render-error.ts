import { ERROR_CODES, isSftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import { CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { terminalSafe, terminalSafeJson } from './terminal-text.js';

/** Codes that mean the input was wrong (exit 2) rather than an appliance failing (exit 1). */
const INPUT_CODES: ReadonlySet<SftunnelCaErrorCode> = new Set<SftunnelCaErrorCode>([
  'CLI_USAGE',
  'INPUT_ENCODING_UNSUPPORTED',
  'JOURNAL_OTHER_FMC',
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
  'PLAN_MISMATCH',
]);

/** Codes of a host key that is not trusted: the run stops before anything changes. */
const HOST_KEY_CODES: ReadonlySet<SftunnelCaErrorCode> = new Set<SftunnelCaErrorCode>(['HOST_KEY_UNKNOWN', 'HOST_KEY_MISMATCH']);

/**
 * Prints an error on stderr — code, what, where and what to do — and returns the exit code:
 * 2 for input errors, 3 for a refused preflight, 7 for an unknown or changed host key (of the FMC
 * or a jump host: a device's is a result of the run, not an error thrown here), 1 for the others.
 * An error that is not one of ours prints `UNEXPECTED_ERROR` and its first line (exit 8); its
 * stack only with `debug` (`--debug`), since it is a bug to report.
 */
export function renderError(io: CliIo, error: unknown, json: boolean, debug = false): ExitCode {
  if (error instanceof CommanderError || error instanceof CliUsageError) {
    // commander's own messages start with `error: `; the code says that already.
    report(io, json, { code: 'CLI_USAGE', message: error.message.replace(/^error: /, ''), remedy: ERROR_CODES.CLI_USAGE.remedy });
    return EXIT_CODES.USAGE;
  }
  if (isSftunnelCaError(error)) {
    report(io, json, error.toJSON());
    if (error.code === 'PREFLIGHT_REFUSED') return EXIT_CODES.PREFLIGHT_REFUSED;
    if (HOST_KEY_CODES.has(error.code)) return EXIT_CODES.HOST_KEY;
    if (error.code === 'UNEXPECTED_ERROR') return EXIT_CODES.UNEXPECTED;
    return INPUT_CODES.has(error.code) ? EXIT_CODES.USAGE : EXIT_CODES.FAILED;
  }
  const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const firstLine = name.split('\n', 1)[0] ?? '';
  const stack = debug && error instanceof Error && error.stack !== undefined ? error.stack : undefined;
  report(io, json, {
    code: 'UNEXPECTED_ERROR',
    message: `unexpected error, please report it: ${firstLine}`,
    remedy: debug ? 'report it with the stack below (it holds no secret)' : 'run the same command with --debug to see the stack, and report it',
    ...(stack === undefined ? {} : { stack }),
  });
  return EXIT_CODES.UNEXPECTED;
}

function report(io: CliIo, json: boolean, details: Record<string, unknown>): void {
  if (json) {
    io.stderr.write(`${terminalSafeJson(JSON.stringify({ schema: 'sftunnel-ca/error/v1', error: details }))}\n`);
    return;
  }
  // Messages quote device names and appliance output: untrusted text.
  const stack = typeof details.stack === 'string' ? `${details.stack}\n` : '';
  io.stderr.write(terminalSafe(`sftunnel-ca: ${String(details.code)}: ${String(details.message)}\n  what to do: ${String(details.remedy)}\n${stack}`));
}
