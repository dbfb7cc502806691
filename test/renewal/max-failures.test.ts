import type { Lab, LabAppliance } from '@sftunnel-ca/lab';
import { describe, expect, it } from 'vitest';
import { renewLabFmc, useLabFmc } from './lab-fleet.js';

const CONCURRENCY = 4;

/** The devices in delivery order: the plan's, which is the FMC's peer directories sorted by UUID. */
function deliveryOrder(lab: Lab): LabAppliance[] {
  return [...lab.devices].sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}

describe('renewal › (i) maxFailures: 2 with 4 faulty devices', () => {
  const faulty = [10, 20, 30, 40];
  const fleet = useLabFmc({ devices: 50, direct: true }, async (lab) => {
    for (const i of faulty) await lab.setFaults(deliveryOrder(lab)[i]!.name, { unreachable: true });
  });

  it('stops starting devices after the second failure, reports the rest as not started, and leaves the FMC and every tunnel as they were', async () => {
    const { lab, fmc } = fleet;
    const order = deliveryOrder(lab);
    const oldCa = await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem');
    const { plan, result } = await renewLabFmc(lab, fmc, { deliver: { maxFailures: 2, concurrency: CONCURRENCY } });
    expect(plan.devices.map((d) => d.name)).toEqual(order.map((d) => d.name));
    expect(result.stopped).toBe('max-failures');
    expect(result.fmcSwitched).toBe(false);
    expect(result.counts.failed).toBe(2);
    const byName = new Map(result.devices.map((d) => [d.name, d]));
    for (const i of [10, 20]) expect(byName.get(order[i]!.name)).toMatchObject({ outcome: 'failed', cause: 'CONNECT_REFUSED', step: 'connect' });
    // Once the second failure is recorded, at most CONCURRENCY - 1 devices after it were already in flight: none after those started.
    for (const device of order.slice(20 + CONCURRENCY)) {
      expect(byName.get(device.name)).toMatchObject({ outcome: 'not-started', cause: 'RENEWAL_STOPPED', startedAt: undefined });
    }
    for (const i of [30, 40]) expect(byName.get(order[i]!.name)?.outcome).toBe('not-started');
    expect(result.devices.every((d) => ['delivered', 'failed', 'not-started'].includes(d.outcome))).toBe(true);
    // The FMC did not switch and nothing was restarted: every tunnel is up as before.
    expect(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).toBe(oldCa);
    expect(lab.tunnels().every((t) => t.state === 'connected')).toBe(true);
  });

  it('with canaries, a failed canary stops the run before any other device starts', async () => {
    const { lab, fmc } = fleet;
    const order = deliveryOrder(lab);
    lab.clock.advance(2_000); // a new staging directory
    const oldCa = await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem');
    // The 11 first devices are canaries; the 11th (order[10]) is unreachable.
    const { result } = await renewLabFmc(lab, fmc, { plan: { canary: 11 }, deliver: { concurrency: CONCURRENCY } });
    expect(result.stopped).toBe('canary-failed');
    expect(result.fmcSwitched).toBe(false);
    const byName = new Map(result.devices.map((d) => [d.name, d]));
    expect(byName.get(order[10]!.name)).toMatchObject({ outcome: 'failed', cause: 'CONNECT_REFUSED' });
    for (const device of order.slice(0, 10)) expect(byName.get(device.name)?.outcome).toBe('delivered');
    for (const device of order.slice(11)) expect(byName.get(device.name)).toMatchObject({ outcome: 'not-started', cause: 'RENEWAL_STOPPED', startedAt: undefined });
    expect(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).toBe(oldCa);
    expect(lab.tunnels().every((t) => t.state === 'connected')).toBe(true);
  });
});
