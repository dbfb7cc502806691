import { parseDevicesCsv, type DeviceRow, type FmcInspection } from '@sftunnel-ca/core';
import { CliUsageError } from './cli-usage-error.js';
import { readInputBytes } from './input-file.js';
import { checkInventorySecrets } from './inventory-secrets.js';
import { isInventoryDocumentPath, parseInventoryDocument } from './inventory-document.js';
import { decodeUtf8Text } from './text-encoding.js';

/** An inventory as read (a devices.csv, or a YAML or JSON inventory): where it is and its rows. */
export interface DevicesFile {
  /** The path given. */
  readonly path: string;
  /** Its rows, passwords still references (`file:`, `env:`) or inline. */
  readonly rows: readonly DeviceRow[];
}

/**
 * Reads and parses an inventory: a `.yaml`, `.yml` or `.json` file as {@link parseInventoryDocument}
 * reads it, anything else as a devices.csv (the vendor's four columns, or a header with port, key
 * file, jump host and role), in UTF-8 (another encoding is named, see `decodeUtf8Text`). Its secrets are checked before anything connects: every `file:`
 * reference and key file is a private regular file of bounded size, and no address is a password
 * (inline, `file:`, or `env:` from `env`), see `checkInventorySecrets`.
 *
 * @param path - the inventory
 * @param env - the environment `env:` references are read from: the run's (`CliIo.env`), the one its devices log in with
 */
export async function readDevicesFile(path: string, env: Readonly<Record<string, string | undefined>>): Promise<DevicesFile> {
  const text = decodeUtf8Text(await readInputBytes(path, '--devices'), path, '--devices');
  const rows = isInventoryDocumentPath(path) ? parseInventoryDocument(text, path) : parseDevicesCsv(text, { file: path });
  await checkInventorySecrets(path, rows, env);
  return { path, rows };
}

/** How many rows that match no device an error lists before it counts the rest. */
const UNMATCHED_SHOWN = 10;

/**
 * Matches each row of a devices.csv to a device the FMC knows, by name or by address, and
 * returns the rows by device UUID. Rows whose role is `fmc` (the vendor's file lists the FMC too) are skipped.
 *
 * @throws CliUsageError naming the rows (by line) that match no device of the FMC (the first ten, and how many more)
 */
export function matchDevicesToFmc({ path, rows }: DevicesFile, inspection: FmcInspection): ReadonlyMap<string, DeviceRow> {
  const matched = new Map<string, DeviceRow>();
  const unmatched: DeviceRow[] = [];
  for (const row of rows.filter((candidate) => candidate.role !== 'fmc')) {
    const device = inspection.devices.find((candidate) => candidate.name === row.name || candidate.address === row.address);
    if (device === undefined) unmatched.push(row);
    else matched.set(device.uuid, row);
  }
  if (unmatched.length > 0) {
    const shown = unmatched.slice(0, UNMATCHED_SHOWN).map((row) => `line ${row.line} (${row.name}, ${row.address})`);
    const more = unmatched.length - shown.length;
    throw new CliUsageError(`${path}: ${shown.join(', ')}${more > 0 ? ` and ${more} more rows (${unmatched.length} in all)` : ''} match no device of ${inspection.host} by name or address; nothing was changed`);
  }
  return matched;
}
