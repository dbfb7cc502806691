import { inspectFmc, loadPreparedRenewal, parseFailedPush, planRenewal, deliverRenewal } from '@sftunnel-ca/core';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labConnect, labInventory, renewLabFmc, useLabFmc } from './lab-fleet.js';

const CONNECT_TIMEOUT_MS = 5_000;
/** (j) with every device in flight at once (`concurrency` is configurable; the default is 16). */
const CONCURRENCY = 50;

describe('renewal › (f) 5 of 50 devices unreachable, then a copy run; (j) the fleet is not serialised by them', () => {
  const unreachable = [3, 14, 25, 36, 47];
  const fleet = useLabFmc({ devices: 50, caState: 'expired', direct: true }, async (lab) => {
    for (const i of unreachable) await lab.setFaults(lab.devices[i]!.name, { silent: true });
  });

  it('renews 45, lists 5 in FAILED_PUSH with cause codes, and a copy run finishes them once they are back', async () => {
    const { lab, fmc } = fleet;
    // Which unreachable devices are being dialled at once: not serialised, they wait out their timeouts together.
    const deadNames = new Set(unreachable.map((i) => lab.devices[i]!.name));
    const connect = labConnect(lab, 'direct', CONNECT_TIMEOUT_MS);
    let deadInFlight = 0;
    let mostDeadInFlight = 0;
    const counted: typeof connect = async (device, signal) => {
      if (!deadNames.has(device.name)) return connect(device, signal);
      mostDeadInFlight = Math.max(mostDeadInFlight, ++deadInFlight);
      try {
        return await connect(device, signal);
      } finally {
        deadInFlight--;
      }
    };
    const { prepared, result } = await renewLabFmc(lab, fmc, { deliver: { connect: counted, concurrency: CONCURRENCY } });
    expect(result.counts).toMatchObject({ renewed: 45, failed: 5 });
    const failedNames = unreachable.map((i) => lab.devices[i]!.name).sort();
    const failed = result.devices.filter((d) => d.outcome === 'failed');
    expect(failed.map((d) => d.name).sort()).toEqual(failedNames);
    expect(failed.every((d) => d.cause === 'CONNECT_TIMEOUT' && d.step === 'connect')).toBe(true);

    // (j): the five were dialled together, each once (the time this saves is the benchmark's to measure).
    expect(mostDeadInFlight).toBe(5);

    // FAILED_PUSH in the vendor's format, beside the staged files.
    expect(result.failedPushPath).toBe(posix.join(prepared.stagingDirectory, 'FAILED_PUSH'));
    const failedPush = parseFailedPush(await lab.readFile(lab.fmc.name, result.failedPushPath!), { fmcUuid: lab.fmc.uuid, layout: lab.layout });
    expect(failedPush.entries).toHaveLength(15);
    expect(failedPush.devices.map((d) => d.name).sort()).toEqual(failedNames);
    expect(failedPush.devices.every((d) => d.complete)).toBe(true);
    for (const name of failedNames) expect(lab.tunnel(name).state).toBe('disconnected');

    // They come back; a copy run from FAILED_PUSH completes them from the same staging directory.
    for (const i of unreachable) await lab.setFaults(lab.devices[i]!.name, {});
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    expect(inspection.ca.certificate.fingerprintSha256).toBe(prepared.ca.certificate.fingerprintSha256);
    const stagingDirectory = posix.dirname(result.failedPushPath!);
    const copyPlan = planRenewal(inspection, { now, inventory: labInventory(lab), only: failedPush.devices.map((d) => d.uuid), stagingDirectory });
    const staged = await loadPreparedRenewal(fmc, inspection, stagingDirectory);
    const copy = await deliverRenewal(fmc, copyPlan, staged, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout });
    expect(copy.counts.renewed).toBe(5);
    expect(copy.fmcSwitched).toBe(true);
    // The copy run completed every device FAILED_PUSH listed: it lists none now.
    expect(copy.failedPushPath).toBeUndefined();
    expect(await lab.readFile(lab.fmc.name, result.failedPushPath!)).toBe('');
    expect(lab.tunnels().filter((t) => t.state === 'connected')).toHaveLength(50);
  });
});
