import { readFile } from 'node:fs/promises';
import type { DeliverRenewalOptions, DeviceRow } from '@sftunnel-ca/core';
import { SshHost, type SshHostOptions } from '@sftunnel-ca/transport';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';

/**
 * A `connect` for deliverRenewal that reaches each planned device with its devices.csv row: its
 * address, port, user and password (inline, `env:` or `file:`), and the FMC's host key policy,
 * known_hosts files, agent and shell strategy (not its password, key or jump hosts).
 *
 * @param rows - the devices.csv rows by device UUID
 * @param fmc - the options the FMC was reached with
 */
export function devicesCsvConnect(io: CliIo, rows: ReadonlyMap<string, DeviceRow>, fmc: SshHostOptions): DeliverRenewalOptions['connect'] {
  return async (device, signal) => {
    const row = rows.get(device.uuid);
    if (row === undefined) throw new CliUsageError(`${device.name} is not in the devices.csv`);
    const password = await row.password.resolve({ env: io.env, readFile: (path) => readFile(path, 'utf8') });
    const { password: _fmcPassword, privateKey: _fmcKey, passphrase: _fmcPassphrase, sudoPassword: _fmcSudo, jump: _fmcJump, ...shared } = fmc;
    return SshHost.connect({
      ...shared,
      name: row.name,
      host: row.address,
      port: row.port,
      username: row.user,
      ...(password === undefined ? {} : { password }),
      signal,
    });
  };
}
