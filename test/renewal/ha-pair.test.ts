import { startLab, type Lab } from '@sftunnel-ca/lab';
import type { SshHost } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAppliance, deviceCaFingerprint, renewLabFmc } from './lab-fleet.js';

describe('renewal › (d) HA pair: primary, then secondary, each with its own new CA', () => {
  let lab: Lab;
  let primary: SshHost;
  let secondary: SshHost;
  beforeAll(async () => {
    lab = await startLab({ devices: 50, ha: true, caState: 'expired', direct: true });
    primary = await connectAppliance(lab.fmc, 'direct');
    secondary = await connectAppliance(lab.secondaryFmc!, 'direct');
  }, 180_000);
  afterAll(async () => {
    await primary?.close();
    await secondary?.close();
    await lab?.stop();
  }, 60_000);

  it('renews both FMCs in order; every device ends up with both new CAs and both tunnels up', async () => {
    const secondaryFmc = lab.secondaryFmc!;
    const first = await renewLabFmc(lab, primary);
    expect(first.result.counts.renewed).toBe(50);
    // The secondary's CA and its peer directory on each device are untouched by the primary's renewal.
    const secondaryCaBefore = await deviceCaFingerprint(lab, lab.devices[0]!.name, secondaryFmc.uuid);
    const second = await renewLabFmc(lab, secondary);
    expect(second.result.counts.renewed).toBe(50);
    expect(second.prepared.ca.certificate.fingerprintSha256).not.toBe(first.prepared.ca.certificate.fingerprintSha256);
    expect(second.plan.fmc.ca.fingerprintSha256).toBe(secondaryCaBefore);
    expect(new Date(second.result.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.result.finishedAt).getTime());
    for (const device of lab.devices) {
      expect(await deviceCaFingerprint(lab, device.name, lab.fmc.uuid)).toBe(first.prepared.ca.certificate.fingerprintSha256);
      expect(await deviceCaFingerprint(lab, device.name, secondaryFmc.uuid)).toBe(second.prepared.ca.certificate.fingerprintSha256);
      expect(lab.tunnel(device.name, lab.fmc.name).state).toBe('connected');
      expect(lab.tunnel(device.name, secondaryFmc.name).state).toBe('connected');
    }
  });
});
