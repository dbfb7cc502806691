import { SftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';

/** Where a failed command ran, for {@link classifyCommandFailure}. */
export interface CommandFailureContext {
  /** The appliance. */
  readonly host: string;
  /** The step, e.g. `write-file`. */
  readonly step: string;
  /** The file the command worked on. */
  readonly file?: string;
}

const RULES: readonly (readonly [RegExp, SftunnelCaErrorCode])[] = [
  [/No space left on device|Disk quota exceeded|File too large/i, 'DISK_FULL'],
  [/^sudo: .*(password is required|not in the sudoers|not allowed to)/im, 'ESCALATION_FAILED'],
  [/Permission denied|Operation not permitted|Read-only file system/i, 'PERMISSION_DENIED'],
  [/No such file or directory|Not a directory/i, 'FILE_NOT_FOUND'],
];

/**
 * Turns a failed shell command's standard error into the coded error it means: `DISK_FULL`,
 * `PERMISSION_DENIED`, `FILE_NOT_FOUND`, `ESCALATION_FAILED` (sudo refused), or else
 * `COMMAND_FAILED`. The message quotes standard error (commands never hold secrets).
 */
export function classifyCommandFailure(
  what: string,
  result: { readonly stderr: string; readonly code: number },
  context: CommandFailureContext,
): SftunnelCaError {
  const stderr = result.stderr.trim();
  const code = RULES.find(([pattern]) => pattern.test(stderr))?.[1] ?? 'COMMAND_FAILED';
  const detail = stderr === '' ? `exit status ${result.code}` : `exit status ${result.code}: ${stderr.slice(0, 500)}`;
  return new SftunnelCaError(code, `${what} failed (${detail})`, context);
}
