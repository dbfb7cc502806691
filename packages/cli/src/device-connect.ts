import type { DeliverRenewalOptions, DeviceRow } from '@sftunnel-ca/core';
import { SshHost, TRANSIENT_ERROR_CODES, type RetryOptions, type SshCredentials } from '@sftunnel-ca/transport';
import { CliUsageError } from './cli-usage-error.js';
import { inventorySshSettings } from './inventory-document.js';
import { parseSshTarget, type SharedSshOptions } from './ssh-options.js';

/**
 * How a fleet run retries a device's connect: a refused or reset connection is tried again (it
 * costs a second or so, and covers an sshd restarting), a connect timeout is not — a dead device
 * costs one connect timeout, not one per attempt (5 dead devices of 30 cost 20 s, not 3 × 20 s).
 */
export const FLEET_CONNECT_RETRY: RetryOptions = Object.freeze({ retryOn: new Set([...TRANSIENT_ERROR_CODES].filter((code) => code !== 'CONNECT_TIMEOUT')) });

/** Opens a root host on an inventory row's appliance. */
export type RowConnect = (row: DeviceRow, signal: AbortSignal) => Promise<SshHost>;

/**
 * A `connect` that reaches each inventory row with its own credentials, port and jump host
 * (`[user@]host[:port]`, logged into with the row's credentials), and the run's host key trust,
 * shell strategy and timeout (never the FMC's password, key or jump hosts); a connect timeout is
 * not retried ({@link FLEET_CONNECT_RETRY}).
 *
 * @param credentials - each row's, from {@link resolveDeviceCredentials}
 * @param shared - from {@link sharedSshOptions}
 */
export function inventoryConnect(credentials: ReadonlyMap<DeviceRow, SshCredentials>, shared: SharedSshOptions): RowConnect {
  return (row, signal) => {
    const own = credentials.get(row) ?? { username: row.user };
    const jump = row.jumpHost === undefined ? undefined : parseSshTarget(row.jumpHost.includes('@') ? row.jumpHost : `${row.user}@${row.jumpHost}`, `jump host of ${row.name}`);
    return SshHost.connect({
      ...shared,
      // A YAML/JSON inventory row's own timeouts and prompt patterns win over the run's.
      ...inventorySshSettings(row, shared.prompts),
      ...own,
      name: row.name,
      host: row.address,
      port: row.port,
      retry: FLEET_CONNECT_RETRY,
      signal,
      ...(jump === undefined ? {} : { jump: [{ ...own, username: jump.username, host: jump.host, port: jump.port }] }),
    });
  };
}

/**
 * The `connect` of deliverRenewal and rollbackRenewal: each planned device through its inventory row.
 *
 * @param rows - the inventory rows by device UUID
 * @param connect - opens a row's host
 */
export function plannedDeviceConnect(rows: ReadonlyMap<string, DeviceRow>, connect: RowConnect): DeliverRenewalOptions['connect'] {
  return (device, signal) => {
    const row = rows.get(device.uuid);
    if (row === undefined) throw new CliUsageError(`${device.name} is not in the inventory`);
    return connect(row, signal);
  };
}
