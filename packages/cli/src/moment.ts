import { CliUsageError } from './cli-usage-error.js';

/**
 * Reads a moment given on the command line: an ISO 8601 date or date-time (UTC when no zone).
 *
 * @param text - e.g. `2034-10-01` or `2034-10-01T12:00:00Z`
 * @param option - the option's name, for the error
 */
export function parseMoment(text: string, option: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const moment = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(moment.getTime())) {
    throw new CliUsageError(`${option} takes an ISO 8601 date such as 2034-10-01 or 2034-10-01T12:00:00Z, got ${JSON.stringify(text)}`);
  }
  return moment;
}
