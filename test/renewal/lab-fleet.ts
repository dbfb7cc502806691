import {
  deliverRenewal,
  inspectFmc,
  planRenewal,
  prepareRenewal,
  type DeliverRenewalOptions,
  type DeviceRow,
  type DeviceIdentity,
  type Host,
  type PlannedDevice,
  type PlanRenewalOptions,
  type PreparedRenewal,
  type RenewalPlan,
  type RenewalResult,
} from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance, type StartLabOptions } from '@sftunnel-ca/lab';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { SshHost } from '@sftunnel-ca/transport';
import { openAppliance, type DeviceStrategy } from '../../bench/lab-access.js';

/** Logs in to a row's appliance over SSH with the row's user and password (CLI → expert → root), its host key pinned. */
export async function connectRow(row: DeviceRow, appliance: LabAppliance, signal: AbortSignal, connectTimeoutMs: number): Promise<SshHost> {
  return SshHost.connect({
    name: row.name,
    host: row.address,
    port: appliance.sshPort,
    username: row.user,
    password: await row.password.resolve({ readFile: (p) => readFile(p) }),
    strategy: 'expert',
    hostKeys: { fingerprints: [appliance.hostKeyFingerprint] },
    connectTimeoutMs,
    retry: { attempts: 1 },
    signal,
  });
}

/** Opens a root Host on a lab appliance over real SSH, its host key pinned. */
export function connectAppliance(appliance: LabAppliance, strategy: DeviceStrategy, options: { readonly signal?: AbortSignal; readonly connectTimeoutMs?: number } = {}): Promise<SshHost> {
  return openAppliance(appliance, { strategy, connectTimeoutMs: options.connectTimeoutMs ?? 5_000, signal: options.signal });
}

/** The lab's devices as an inventory (the lab's FMC has no sftunnel.json per peer). */
export function labInventory(lab: Lab): Record<string, DeviceIdentity> {
  return Object.fromEntries(lab.devices.map((d) => [d.uuid, { name: d.name, address: d.address }]));
}

/** A `connect` for deliverRenewal that reaches lab devices over SSH. */
export function labConnect(lab: Lab, strategy: DeviceStrategy = 'direct', connectTimeoutMs?: number): DeliverRenewalOptions['connect'] {
  return (device: PlannedDevice, signal: AbortSignal) =>
    connectAppliance(lab.appliance(device.name), strategy, { signal, ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) });
}

/** inspect → plan → prepare → deliver against one FMC of a lab. */
export async function renewLabFmc(
  lab: Lab,
  fmc: Host,
  options: { readonly plan?: Partial<PlanRenewalOptions>; readonly deliver?: Partial<DeliverRenewalOptions>; readonly strategy?: DeviceStrategy } = {},
): Promise<{ plan: RenewalPlan; prepared: PreparedRenewal; result: RenewalResult }> {
  const now = lab.clock.now();
  const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
  const plan = planRenewal(inspection, { now, inventory: labInventory(lab), ...options.plan });
  const prepared = await prepareRenewal(fmc, inspection, plan, { now });
  const result = await deliverRenewal(fmc, plan, prepared, {
    connect: labConnect(lab, options.strategy),
    now: () => lab.clock.now(),
    layout: lab.layout,
    ...options.deliver,
  });
  return { plan, prepared, result };
}

/** The fingerprint of the CA a device holds for an FMC. */
export async function deviceCaFingerprint(lab: Lab, device: string, fmcUuid: string): Promise<string> {
  const { Certificate, ftdPeerFiles } = await import('@sftunnel-ca/core');
  return Certificate.fromPem(await lab.readFile(device, ftdPeerFiles(lab.layout, fmcUuid).caCertificate)).fingerprintSha256;
}

/** A lab and a root connection to its FMC, for one `describe` block. */
export interface LabFmcFixture {
  readonly lab: Lab;
  readonly fmc: SshHost;
}

/**
 * Registers hooks that start a lab and connect to its FMC as root (`direct`), and stop both
 * afterwards; read the fields inside tests (they are set once `beforeAll` has run). `setUp` runs
 * on the lab before the FMC is connected (e.g. to inject faults).
 */
export function useLabFmc(options: StartLabOptions, setUp?: (lab: Lab) => Promise<void>): LabFmcFixture {
  const fixture = {} as { lab: Lab; fmc: SshHost };
  beforeAll(async () => {
    fixture.lab = await startLab(options);
    await setUp?.(fixture.lab);
    fixture.fmc = await connectAppliance(fixture.lab.fmc, 'direct');
  }, 180_000);
  afterAll(async () => {
    await fixture.fmc?.close();
    await fixture.lab?.stop();
  }, 60_000);
  return fixture;
}
