import { Secret, SftunnelCaError, type DeviceRow } from '@sftunnel-ca/core';
import type { SshCredentials } from '@sftunnel-ca/transport';
import type { CliIo } from './cli-io.js';
import { assertNoAddressIsSecret, rowSecretSources, type RowSecret } from './inventory-secrets.js';
import { readOwnerOnlyFile } from './owner-only-file.js';
import { askPassword } from './terminal-password.js';

/**
 * The SSH credentials of each inventory row, resolved before a run starts: its password cell
 * (inline, `env:VAR`, `file:PATH` of mode 0600), its key file (mode 0600, passphrase from
 * `SFTUNNEL_CA_KEY_PASSPHRASE`) and ssh-agent. A row with none of them is asked for on the
 * terminal (no echo); without a terminal the run is refused, naming the rows. An address that is
 * one of these passwords (cells shifted) is refused before any device is reached.
 *
 * @param io - environment, terminal
 * @param rows - the inventory's rows
 * @throws SftunnelCaError `DEVICE_CREDENTIALS_MISSING`, `SECRET_REFERENCE_UNRESOLVED`,
 *   `DEVICES_CSV_INVALID_VALUE` or `INVENTORY_INVALID` (an address that is a password)
 */
export async function resolveDeviceCredentials(io: CliIo, rows: readonly DeviceRow[], file: string): Promise<ReadonlyMap<DeviceRow, SshCredentials>> {
  const agent = io.env.SSH_AUTH_SOCK !== undefined && io.env.SSH_AUTH_SOCK !== '';
  const passphrase = io.env.SFTUNNEL_CA_KEY_PASSPHRASE;
  const resolved = new Map<DeviceRow, SshCredentials>();
  const unanswered: DeviceRow[] = [];
  const secrets: RowSecret[] = [];
  for (const row of rows) {
    // A `file:` reference is held to the rule of --password-file: a private regular file, of bounded size.
    const password = await row.password.resolve(rowSecretSources(io.env, file, row));
    if (password !== undefined) secrets.push({ row, secret: password });
    const privateKey = row.keyFile === undefined ? undefined : new Secret(await readOwnerOnlyFile(row.keyFile, `${file}:${row.line} key file`));
    if (password === undefined && privateKey === undefined && !agent) unanswered.push(row);
    resolved.set(row, {
      username: row.user,
      agent,
      ...(password === undefined ? {} : { password }),
      ...(privateKey === undefined ? {} : { privateKey }),
      ...(privateKey === undefined || passphrase === undefined || passphrase === '' ? {} : { passphrase: new Secret(passphrase) }),
    });
  }
  assertNoAddressIsSecret(file, rows, secrets);
  if (unanswered.length > 0 && io.stdin.isTTY !== true) {
    const where = unanswered.map((row) => `line ${row.line} (${row.name})`).join(', ');
    throw new SftunnelCaError('DEVICE_CREDENTIALS_MISSING', `${where} give no password, key file or ssh-agent, and there is no terminal to ask on; nothing was changed`, { file, step: 'credentials' });
  }
  for (const row of unanswered) {
    const typed = await askPassword(io, `Password for ${row.user}@${row.name} (${row.address})`);
    resolved.set(row, { ...resolved.get(row), username: row.user, password: new Secret(typed) });
  }
  return resolved;
}
