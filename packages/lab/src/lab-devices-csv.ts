import { DevicePassword, formatDevicesCsv, type DeviceRow } from '@sftunnel-ca/core';
import type { LabAppliance } from './appliance.js';

/** Parameters of `Lab.devicesCsv`: one row per appliance, reached as the lab serves it. */
export interface LabDevicesCsvParams {
  /** The password cell of every row (`file:<path>`, `env:<NAME>`, or empty to be asked): the lab's appliances share one password. */
  readonly password: string;
  /** The appliances, one row each, in order. Default the lab's devices. */
  readonly appliances?: readonly LabAppliance[];
  /** Each row's SSH port. Default the appliance's `sshPort` (another port makes a row that cannot be reached). */
  readonly port?: (appliance: LabAppliance) => number;
  /** Whether each row names its appliance's role (`fmc`, `ftd`). Default `false`: the role is learned when connecting, as the vendor's script does. */
  readonly roles?: boolean;
}

/**
 * A devices.csv (core's `formatDevicesCsv`) that reaches lab appliances: each at its address and
 * SSH port, as its login user, with one password cell for all.
 *
 * @param appliances - one row each, in order
 * @param params - the password cell, ports and roles
 */
export function formatLabDevicesCsv(appliances: readonly LabAppliance[], params: Omit<LabDevicesCsvParams, 'appliances'>): string {
  const password = DevicePassword.fromCell(params.password);
  const rows = appliances.map(
    (appliance, index): DeviceRow => ({
      line: index + 1,
      name: appliance.name,
      address: appliance.address,
      user: appliance.username,
      password,
      port: params.port?.(appliance) ?? appliance.sshPort,
      keyFile: undefined,
      jumpHost: undefined,
      role: params.roles === true ? appliance.role : undefined,
    }),
  );
  return formatDevicesCsv(rows);
}
