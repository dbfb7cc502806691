import { matchInventoryRows, parseDevicesCsv, type DeviceRow, type FmcInspection } from '@sftunnel-ca/core';
import { CliUsageError } from './cli-usage-error.js';
import { readInputBytes } from './input-file.js';
import { checkInventorySecrets } from './inventory-secrets.js';
import { isInventoryDocumentPath, parseInventoryDocument } from './inventory-document.js';
import { STANDARD_INPUT, inputName } from './standard-input.js';
import { decodeUtf8Text } from './text-encoding.js';

/** An inventory as read (a devices.csv, or a YAML or JSON inventory): where it is and its rows. */
export interface DevicesFile {
  /** The path given (`standard input` for `-`). */
  readonly path: string;
  /** Its rows, passwords still references (`file:`, `env:`) or inline. */
  readonly rows: readonly DeviceRow[];
}

/** An inventory read from standard input has no name to tell its kind by: a YAML or JSON document starts with `{`, `[`, `- ` or `devices:`. */
const DOCUMENT_START = /^(?:[{[]|-\s|devices\s*:)/;

/** Whether an inventory is a YAML or JSON document (else a devices.csv): by its extension, or from standard input by how it starts. */
function isInventoryDocument(path: string, text: string): boolean {
  if (path !== STANDARD_INPUT) return isInventoryDocumentPath(path);
  const first = text.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return first !== undefined && DOCUMENT_START.test(first.trimStart());
}

/**
 * Reads and parses an inventory: a `.yaml`, `.yml` or `.json` file as {@link parseInventoryDocument}
 * reads it, anything else as a devices.csv (the vendor's four columns, or a header with port, key
 * file, jump host and role), in UTF-8 (another encoding is named, see `decodeUtf8Text`). `-` reads
 * standard input (when given), a document or a devices.csv by how it starts. Its secrets are checked before anything connects: every `file:`
 * reference and key file is a private regular file of bounded size, and no address is a password
 * (inline, `file:`, or `env:` from `env`), see `checkInventorySecrets`.
 *
 * @param path - the inventory
 * @param env - the environment `env:` references are read from: the run's (`CliIo.env`), the one its devices log in with
 * @param standardInput - where `-` reads from; without it, `-` is a file of that name
 */
export async function readDevicesFile(path: string, env: Readonly<Record<string, string | undefined>>, standardInput?: NodeJS.ReadableStream): Promise<DevicesFile> {
  const name = inputName(path);
  const text = decodeUtf8Text(await readInputBytes(path, '--devices', standardInput === undefined ? {} : { standardInput }), name, '--devices');
  const rows = isInventoryDocument(path, text) ? parseInventoryDocument(text, name) : parseDevicesCsv(text, { file: name });
  await checkInventorySecrets(name, rows, env);
  return { path: name, rows };
}

/** How many rows that match no device an error lists before it counts the rest. */
const UNMATCHED_SHOWN = 10;

/**
 * Matches each row of a devices.csv to a device the FMC knows (core's `matchInventoryRows`: by address, then by name), and
 * returns the rows by device UUID. Rows whose role is `fmc` (the vendor's file lists the FMC too) are skipped.
 *
 * @throws CliUsageError naming the rows (by line) that match no device of the FMC (the first ten, and how many more)
 */
export function matchDevicesToFmc({ path, rows }: DevicesFile, inspection: FmcInspection): ReadonlyMap<string, DeviceRow> {
  const { rows: matched, unmatched } = matchInventoryRows(rows, inspection.devices);
  if (unmatched.length > 0) {
    const shown = unmatched.slice(0, UNMATCHED_SHOWN).map((row) => `line ${row.line} (${row.name}, ${row.address})`);
    const more = unmatched.length - shown.length;
    throw new CliUsageError(`${path}: ${shown.join(', ')}${more > 0 ? ` and ${more} more rows (${unmatched.length} in all)` : ''} match no device of ${inspection.host} by name or address; nothing was changed`);
  }
  return matched;
}
