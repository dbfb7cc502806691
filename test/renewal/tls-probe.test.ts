import { SFTUNNEL_PORT, inspectFmc, planRenewal, renewFleet } from '@sftunnel-ca/core';
import { probeSftunnelTls } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';
import { labConnect, labInventory, useLabFmc } from './lab-fleet.js';

const CONNECT_TIMEOUT_MS = 30_000;

describe('renewal › in one go (renewFleet) with the live TLS probe in verify', () => {
  const fleet = useLabFmc({ devices: 6, caState: 'expiring', direct: true });

  it('proves each device on the new files with a TLS 1.2 handshake; the old FMC certificate is refused afterwards', async () => {
    const { lab, fmc } = fleet;
    const oldFmc = { certificatePem: await lab.readFile(lab.fmc.name, '/etc/sf/keys/sftunnel-cert.pem'), keyPem: await lab.readFile(lab.fmc.name, '/etc/sf/keys/sftunnel-key.pem') };
    const oldCa = await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem');
    const device = lab.devices[0]!;
    const target = { name: device.name, address: device.address, port: SFTUNNEL_PORT, ...oldFmc, caPem: oldCa };
    // Before: the device accepts the FMC's current certificate.
    await expect(probeSftunnelTls(target, AbortSignal.timeout(10_000))).resolves.toMatchObject({ peerCertificatePem: expect.stringContaining('BEGIN CERTIFICATE') });

    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    // The lab's SSH servers share this process's two cores with the key generation they overlap: connects get time.
    const result = await renewFleet(fmc, inspection, plan, { connect: labConnect(lab, 'direct', CONNECT_TIMEOUT_MS), now: () => lab.clock.now(), layout: lab.layout, tlsProbe: probeSftunnelTls });
    expect(result.counts.renewed).toBe(6);
    for (const phase of ['generate', 'stage', 'deliver', 'switch', 'verify'] as const) expect(result.phases[phase], phase).toBeDefined();
    expect(result.changeWindow).toBeDefined();
    console.log(`one go, 6 devices: wall ${result.durationMs} ms, change window ${result.changeWindow?.durationMs} ms, ${Object.entries(result.phases).map(([p, s]) => `${p} ${s.durationMs} ms`).join(', ')}`);

    // After: the device holds only the new CA and refuses the old FMC certificate in the handshake.
    await expect(probeSftunnelTls(target, AbortSignal.timeout(10_000))).rejects.toMatchObject({ code: 'TLS_PROBE_FAILED', message: expect.stringContaining('the handshake failed') });
  });

  it('reports TLS_PROBE_FAILED for a device whose handshake fails', async () => {
    const { lab, fmc } = fleet;
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    // One device renewed, the others left out on purpose (a run that switches the FMC must cover them).
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab), only: [lab.devices[1]!.name], leaveOut: lab.devices.filter((_, i) => i !== 1).map((d) => d.name) });
    // A probe aimed at a port nothing listens on: the handshake cannot happen.
    const result = await renewFleet(fmc, inspection, plan, {
      connect: labConnect(lab, 'direct', CONNECT_TIMEOUT_MS),
      now: () => lab.clock.now(),
      layout: lab.layout,
      tlsProbe: (target, signal) => probeSftunnelTls({ ...target, port: 1 }, signal),
    });
    expect(result.devices[0]).toMatchObject({ outcome: 'failed', cause: 'TLS_PROBE_FAILED', step: 'tunnel' });
  });
});
