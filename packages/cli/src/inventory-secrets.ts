import { SftunnelCaError, type DeviceRow, type Secret, type SecretSources } from '@sftunnel-ca/core';
import { isInventoryDocumentPath } from './inventory-document.js';
import { readOwnerOnlyFile } from './owner-only-file.js';

/** A row's resolved password and where it came from. */
export interface RowSecret {
  /** The row whose password it is. */
  readonly row: DeviceRow;
  /** The password. */
  readonly secret: Secret;
}

/**
 * Where a row's password references are read from: the environment given, and `file:` paths
 * through {@link readOwnerOnlyFile} (a private regular file of bounded size; errors name the row).
 *
 * @param env - the environment; without it, `env:` references are not resolved (left for later)
 * @param file - the inventory, for errors
 * @param row - the row
 */
export function rowSecretSources(env: Readonly<Record<string, string | undefined>> | undefined, file: string, row: DeviceRow): SecretSources {
  return { ...(env === undefined ? {} : { env }), readFile: (path) => readOwnerOnlyFile(path, `${file}:${row.line}`) };
}

/**
 * Refuses an inventory in which an address is a password: a row's inline password, or the value
 * of an `env:` or `file:` reference of any row. An address is looked up in DNS, connected to and
 * printed in results, so cells shifted by one column must be stopped before anything connects.
 * The error names the row's line and the reference, never the value.
 *
 * @param file - the inventory, for errors (`.yaml`, `.yml` or `.json`: `INVENTORY_INVALID`; else a devices.csv)
 * @param rows - its rows
 * @param secrets - the passwords resolved so far
 * @throws SftunnelCaError `DEVICES_CSV_INVALID_VALUE` or `INVENTORY_INVALID`
 */
export function assertNoAddressIsSecret(file: string, rows: readonly DeviceRow[], secrets: readonly RowSecret[]): void {
  for (const row of rows) {
    const owner = secrets.find(({ secret }) => {
      const text = secret.revealText();
      return text !== '' && (text === row.address || text.trim() === row.address);
    });
    if (owner === undefined) continue;
    const whose = owner.row === row ? "this row's password" : `the password of line ${owner.row.line}`;
    const source = owner.row.password.kind === 'inline' ? '' : ` (the value of ${String(owner.row.password)})`;
    const code = isInventoryDocumentPath(file) ? 'INVENTORY_INVALID' : 'DEVICES_CSV_INVALID_VALUE';
    throw new SftunnelCaError(code, `the address of this row is ${whose}${source}: the cells look shifted; give each device as name, ip, admin user, password, and change that password now if this file was shared`, {
      file,
      line: row.line,
      step: 'inventory',
    });
  }
}

/**
 * Checks an inventory's secrets before anything connects: each `file:` reference and key file is a
 * private regular file of bounded size (see {@link readOwnerOnlyFile}), and no address is a
 * password ({@link assertNoAddressIsSecret}). `env:` references are resolved from `env` when given
 * and set; the others are left for `resolveDeviceCredentials`, which checks again.
 *
 * @param file - the inventory, for errors
 * @param rows - its rows
 * @param env - the environment, when known
 * @throws CliUsageError for a refused file; SftunnelCaError `DEVICES_CSV_INVALID_VALUE`,
 *   `INVENTORY_INVALID`, `SECRET_REFERENCE_UNRESOLVED`
 */
export async function checkInventorySecrets(file: string, rows: readonly DeviceRow[], env?: Readonly<Record<string, string | undefined>>): Promise<void> {
  const secrets: RowSecret[] = [];
  for (const row of rows) {
    if (row.keyFile !== undefined) await readOwnerOnlyFile(row.keyFile, `${file}:${row.line} key file`);
    if (row.password.kind === 'env' && env?.[row.password.reference ?? ''] === undefined) continue;
    const secret = await row.password.resolve(rowSecretSources(env, file, row));
    if (secret !== undefined) secrets.push({ row, secret });
  }
  assertNoAddressIsSecret(file, rows, secrets);
}
