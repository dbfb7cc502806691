import { randomBytes } from 'node:crypto';

/** What every lab password starts with: a marker no real text carries. */
const MARKER = 'sftca-lab-pw-';

/**
 * Matches any lab password (the marker, then 16 base64url characters), wherever it appears. Lab
 * passwords are canaries: a scan of logs, output or files finds one leaked by any lab, including
 * labs started in other processes (the CLI's `lab start`, the demo, the examples) whose password
 * the scanner was never told.
 *
 * @example
 * ```ts
 * import { LAB_PASSWORD_PATTERN } from '@sftunnel-ca/lab';
 *
 * if (LAB_PASSWORD_PATTERN.test(output)) throw new Error('a lab password leaked into the output');
 * ```
 */
export const LAB_PASSWORD_PATTERN = new RegExp(`${MARKER}[A-Za-z0-9_-]{16}`);

/** A new lab password: the marker, then 12 random bytes in base64url (96 bits). */
export function newLabPassword(): string {
  return `${MARKER}${randomBytes(12).toString('base64url')}`;
}
