import { assertPreflightPassed, inspectFmc, parseFailedPush, planRenewal, preflightRenewal, preflightUnreachable, renewFleet, type DeliverRenewalOptions, type PlannedDevice } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { useCliLab } from '../../packages/cli/test/cli-lab.js';
import { runInProcess } from '../../packages/cli/test/run-in-process.js';
import { connectAppliance, labInventory, useLabFmc } from './lab-fleet.js';

/** Dead devices of the fleet: two that accept TCP and never answer (a connect timeout), one that refuses. */
const SILENT = ['FTD-0002', 'FTD-0005'];
const REFUSING = 'FTD-0004';
const faults = { [SILENT[0]!]: { silent: true }, [SILENT[1]!]: { silent: true }, [REFUSING]: { unreachable: true } };

interface RenewDocument {
  readonly result: {
    readonly failedPushPath?: string;
    readonly counts: Readonly<Record<string, number>>;
    readonly devices: readonly { readonly name: string; readonly outcome: string; readonly cause?: string; readonly message?: string; readonly step?: string }[];
  };
}

describe('renewal › dead devices cost one connect timeout, once (library: preflight’s findings reused by delivery)', () => {
  const fleet = useLabFmc({ devices: 6, caState: 'expired', direct: true, faults });

  it('dials each dead device once, in preflight; delivery records it failed with preflight’s cause, in FAILED_PUSH, without dialling it', async () => {
    const { lab, fmc } = fleet;
    const dials = new Map<string, number>();
    // A counting connect: one call is one dial (no transport retry: attempts 1).
    const connect: DeliverRenewalOptions['connect'] = (device: PlannedDevice, signal: AbortSignal) => {
      dials.set(device.name, (dials.get(device.name) ?? 0) + 1);
      return connectAppliance(lab.appliance(device.name), 'direct', { signal, connectTimeoutMs: 5_000 });
    };
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const report = await preflightRenewal(fmc, inspection, plan, { connect, now: () => lab.clock.now(), allowUnreachable: true });
    assertPreflightPassed(report);
    const unreachable = preflightUnreachable(report);
    expect([...unreachable.keys()].map((uuid) => plan.devices.find((d) => d.uuid === uuid)?.name).sort()).toEqual([...SILENT, REFUSING].sort());
    expect(unreachable.get(lab.appliance(SILENT[0]!).uuid)?.code).toBe('CONNECT_TIMEOUT');
    expect(unreachable.get(lab.appliance(REFUSING).uuid)?.code).toBe('CONNECT_REFUSED');

    const result = await renewFleet(fmc, inspection, plan, { connect, now: () => lab.clock.now(), layout: lab.layout, unreachable });

    for (const name of [...SILENT, REFUSING]) {
      expect(dials.get(name), name).toBe(1);
      const record = result.devices.find((d) => d.name === name)!;
      const finding = report.findings.find((f) => f.probe === 'device-reachable' && f.device?.name === name)!;
      expect(record).toMatchObject({ outcome: 'failed', cause: finding.cause, step: 'connect' });
      expect(record.message).toContain('not dialled again');
      expect(record.message).toContain(finding.message);
    }
    // The others: dialled in preflight and in delivery, and renewed.
    for (const device of lab.devices.filter((d) => !(d.name in faults))) {
      expect(dials.get(device.name), device.name).toBeGreaterThanOrEqual(2);
      const record = result.devices.find((d) => d.name === device.name);
      expect(record?.outcome, `${device.name}: ${record?.cause ?? ''} ${record?.message ?? ''}`).toBe('renewed');
    }
    expect(result.counts).toMatchObject({ renewed: 3, failed: 3 });
    const failedPush = parseFailedPush(await lab.readFile(lab.fmc.name, result.failedPushPath!), { fmcUuid: lab.fmc.uuid, layout: lab.layout });
    expect(failedPush.devices.map((d) => d.name).sort()).toEqual([...SILENT, REFUSING].sort());
    expect(failedPush.devices.every((d) => d.complete)).toBe(true);
  });
});

describe('renewal › dead devices cost one connect timeout, once (sftunnel-ca renew --allow-unreachable against the lab)', () => {
  const fixture = useCliLab({ devices: 6, caState: 'expired', faults });

  it('dials each silent device once in the whole run (no retry of its connect timeout, no second dial in delivery); every dead device to FAILED_PUSH', async () => {
    const { lab } = fixture;
    const csv = await fixture.writeDevicesCsv('devices.csv', lab.devices);
    const before = new Map(lab.appliances.map((a) => [a.name, lab.sshConnections(a.name)]));
    const run = await runInProcess(['renew', ...fixture.sshKnownHosts, '--devices', csv, '--yes', '--allow-unreachable', '--connect-timeout', '5000', '--json'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(1);
    for (const name of [...SILENT, REFUSING]) expect(run.stderr).toContain(`WARN device-reachable ${name}`);
    const dialled = (name: string): number => lab.sshConnections(name) - (before.get(name) ?? 0);

    // Each dial of a silent device reaches the lab's endpoint: one, in preflight.
    for (const name of SILENT) expect(dialled(name), name).toBe(1);
    // A live device is dialled in preflight and again in delivery: the count sees every dial.
    for (const device of lab.devices.filter((d) => !(d.name in faults))) expect(dialled(device.name), device.name).toBeGreaterThanOrEqual(2);

    const document = JSON.parse(run.stdout) as RenewDocument;
    for (const device of lab.devices.filter((d) => !(d.name in faults))) {
      const record = document.result.devices.find((d) => d.name === device.name);
      expect(record?.outcome, `${device.name}: ${record?.cause ?? ''} ${record?.message ?? ''}`).toBe('renewed');
    }
    expect(document.result.counts).toMatchObject({ renewed: 3, failed: 3 });
    for (const name of [...SILENT, REFUSING]) {
      const record = document.result.devices.find((d) => d.name === name)!;
      expect(record).toMatchObject({ outcome: 'failed', cause: name === REFUSING ? 'CONNECT_REFUSED' : 'CONNECT_TIMEOUT', step: 'connect' });
      expect(record.message).toContain('not dialled again');
    }
    const failedPush = parseFailedPush(await lab.readFile(lab.fmc.name, document.result.failedPushPath!), { fmcUuid: lab.fmc.uuid, layout: lab.layout });
    expect(failedPush.devices.map((d) => d.name).sort()).toEqual([...SILENT, REFUSING].sort());
  });
});
