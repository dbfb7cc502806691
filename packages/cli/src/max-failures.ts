import { CliUsageError } from './cli-usage-error.js';

/** Reads `--max-failures`: a count of devices (`3`) or a percentage of them (`10%`). */
export function parseMaxFailures(text: string | undefined): number | `${number}%` | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(%?)$/.exec(text);
  if (match === null || (match[2] === '%' && Number(match[1]) > 100)) {
    throw new CliUsageError(`--max-failures takes a count of devices (e.g. 3) or a percentage of them (e.g. 10%), got ${JSON.stringify(text)}`);
  }
  return match[2] === '%' ? `${Number(match[1])}%` : Number(match[1]);
}
