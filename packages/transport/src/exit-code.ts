import { constants } from 'node:os';

/**
 * The shell's exit status for a process that ended with `code` or by `signal`: the code, or
 * 128 + the signal's number (as `sh` reports it), or 255 when neither is known.
 */
export function exitStatus(code: number | null | undefined, signal: string | null | undefined): number {
  if (typeof code === 'number') return code;
  const signals = constants.signals as Readonly<Record<string, number>>;
  const name = signal === null || signal === undefined ? undefined : signal.startsWith('SIG') ? signal : `SIG${signal}`;
  const number = name === undefined ? undefined : signals[name];
  return number === undefined ? 255 : 128 + number;
}
