import { CliUsageError } from './cli-usage-error.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest `--backdate` accepted: a clock further off than this is broken, not lagging. */
const MAX_BACKDATE_MS = 30 * UNIT_MS.d;

/**
 * Reads `--backdate`: how far the new certificates' notBefore and the CRL's lastUpdate are set
 * before now, so that appliances whose clocks lag by up to that accept them — a whole number of
 * minutes, hours or days (`90m`, `12h`, `1d`, `2d`), at most 30 days. `undefined` stays `undefined`
 * (core's default: one day).
 *
 * @param text - the option's value
 * @returns milliseconds
 * @throws CliUsageError (exit 2) for anything else
 */
export function parseBackdate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms > 0 && ms <= MAX_BACKDATE_MS)) {
    throw new CliUsageError(`--backdate takes a whole number of minutes, hours or days from 1m to 30d (e.g. 12h, 1d, 2d), got ${JSON.stringify(text)}`);
  }
  return ms;
}
