import { CliUsageError } from './cli-usage-error.js';

/** Parses an option's whole number of at least `minimum`; `undefined` stays `undefined`. */
export function parseWholeNumber(text: string | undefined, option: string, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new CliUsageError(`${option} takes a whole number of at least ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}
