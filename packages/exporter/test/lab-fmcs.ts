import type { Host } from '@sftunnel-ca/core';
import type { Lab, LabAppliance } from '@sftunnel-ca/lab';
import { openAppliance } from '@sftunnel-ca/transport/testing';
import type { ExporterFmc } from '../src/create-exporter.js';

/** An FMC of a lab, as the exporter reads it. */
export interface LabExporterFmc extends ExporterFmc {
  readonly lab: Lab;
  readonly appliance: LabAppliance;
}

/**
 * Every FMC of the labs (primary, then secondary), labelled `<prefix>-<appliance>`. With
 * `inventory`, the lab's devices are also given as inventory (the FMC's own sftunnel.json files win).
 */
export function labFmcs(labs: readonly { readonly lab: Lab; readonly prefix: string; readonly inventory?: boolean }[]): LabExporterFmc[] {
  return labs.flatMap(({ lab, prefix, inventory }) => {
    const devices = Object.fromEntries(lab.devices.map((d) => [d.uuid, { name: d.name, address: d.address }]));
    return [lab.fmc, ...(lab.secondaryFmc === undefined ? [] : [lab.secondaryFmc])].map((appliance) => ({
      name: `${prefix}-${appliance.name}`,
      layout: lab.layout,
      lab,
      appliance,
      ...(inventory === true ? { inventory: devices } : {}),
    }));
  });
}

/** Opens a lab FMC as root over real SSH (exec channels; the lab must allow `direct`), its host key pinned, named as the exporter labels it. */
export function connectLabFmc(fmc: LabExporterFmc, signal: AbortSignal): Promise<Host> {
  const { address, sshPort, username, password, hostKeyFingerprint } = fmc.appliance; // password is a getter: not spread
  return openAppliance({ name: fmc.name, address, sshPort, username, password, hostKeyFingerprint }, { strategy: 'direct', connectTimeoutMs: 10_000, signal });
}
