import type { ApplianceLayout } from '@sftunnel-ca/core';
import type { Lab, LabAppliance } from '@sftunnel-ca/lab';

/**
 * How another process reaches one lab appliance. It holds the lab's password, so it travels only
 * over the IPC channel to the renewing process and is never printed or written to the report.
 */
export type ApplianceAccess = Pick<LabAppliance, 'name' | 'uuid' | 'address' | 'sshPort' | 'username' | 'password' | 'hostKeyFingerprint'>;

/** A running lab as the renewing process sees it: its FMC, its devices, its paths. */
export interface LabAccess {
  readonly layout: ApplianceLayout;
  readonly fmc: ApplianceAccess;
  readonly devices: readonly ApplianceAccess[];
  /** Lab time minus real time, in ms (0 unless the lab's clock was set or moved). */
  readonly clockOffsetMs: number;
}

/** What another process needs to reach one lab appliance (a plain object: its password is enumerable here). */
export function applianceAccess(appliance: LabAppliance): ApplianceAccess {
  const { name, uuid, address, sshPort, username, password, hostKeyFingerprint } = appliance;
  return { name, uuid, address, sshPort, username, password, hostKeyFingerprint };
}

/** What a process other than the lab's needs to reach the lab's FMC and devices. */
export function labAccess(lab: Lab): LabAccess {
  return { layout: lab.layout, fmc: applianceAccess(lab.fmc), devices: lab.devices.map(applianceAccess), clockOffsetMs: lab.clock.now().getTime() - Date.now() };
}

export { openAppliance, type DeviceStrategy, type OpenApplianceOptions } from '@sftunnel-ca/transport/testing';
