import { Certificate, fmcPushedFiles, ftdPeerFiles, rollbackRenewal, type RenewalPlan } from '@sftunnel-ca/core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { deviceCaFingerprint, labConnect, renewLabFmc, useLabFmc } from './lab-fleet.js';

// Issue 7's (a) and (h) on one fleet: (h) rolls back the renewal (a) made, so the suite starts one
// 50-device lab and generates one renewal's keys for both.
describe('renewal › (a) CA 20 days from expiry, 50 tunnels up; (h) then rolled back, while the old CA is still valid', () => {
  const fleet = useLabFmc({ devices: 50, caState: 'expiring', caDays: 20, direct: true });
  /** What (a) leaves for (h): the files before the renewal, the old CA and the renewal's plan. */
  let renewal: { before: Map<string, Buffer>; oldCa: string; plan: RenewalPlan } | undefined;

  /** The bytes of every file renewal replaces, on every appliance. */
  async function snapshot(): Promise<Map<string, Buffer>> {
    const { lab } = fleet;
    const files = new Map<string, Buffer>();
    const { fmc } = lab.layout;
    const fmcPaths = [fmc.caCertificate, fmc.caCrl, fmc.sftunnelCertificate, fmc.sftunnelKey];
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid); // every device's files for this FMC
    for (const device of lab.devices) {
      for (const path of [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey]) files.set(`${device.name}:${path}`, await readFile(lab.path(device.name, path)));
      const pushed = fmcPushedFiles(lab.layout, device.uuid);
      fmcPaths.push(pushed.sftunnelCertificate, pushed.sftunnelKey);
    }
    for (const path of fmcPaths) files.set(`${lab.fmc.name}:${path}`, await readFile(lab.path(lab.fmc.name, path)));
    return files;
  }

  it('(a) renews: every tunnel reconnects on the new CA and the old CA is gone from every device', async () => {
    const { lab, fmc } = fleet;
    const before = await snapshot();
    const oldCa = Certificate.fromPem(await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate)).fingerprintSha256;
    const { plan, prepared, result } = await renewLabFmc(lab, fmc, { plan: { canary: 2 } });
    expect(result.counts).toEqual({ renewed: 50, delivered: 0, 'rolled-back': 0, failed: 0, 'not-started': 0 });
    expect(result.fmcSwitched).toBe(true);
    const newCa = prepared.ca.certificate.fingerprintSha256;
    expect(newCa).not.toBe(oldCa);
    for (const device of lab.devices) {
      expect(lab.tunnel(device.name).state).toBe('connected');
      expect(await deviceCaFingerprint(lab, device.name, lab.fmc.uuid)).toBe(newCa);
    }
    // Every tunnel re-handshook after the switch, on files that name only the new CA.
    const switchedAt = new Date(result.startedAt);
    expect(lab.tunnels().every((t) => t.state === 'connected' && (t.connectedSince?.getTime() ?? 0) >= switchedAt.getTime())).toBe(true);
    for (const record of result.devices) {
      expect(record.before.caFingerprintSha256).toBe(oldCa);
      expect(record.after.caFingerprintSha256).toBe(newCa);
    }
    const renewed = await snapshot();
    expect([...before].filter(([key, bytes]) => renewed.get(key)?.equals(bytes))).toEqual([]);
    renewal = { before, oldCa, plan };
  });

  it('(h) the rollback restores every replaced file byte for byte and the tunnels come back on the old CA', async () => {
    const { lab, fmc } = fleet;
    expect(renewal, 'the renewal of (a), which this rolls back').toBeDefined();
    const { before, oldCa, plan } = renewal!;
    const rollbackStart = lab.clock.now();
    const rollback = await rollbackRenewal(fmc, plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout });
    expect(rollback.counts['rolled-back']).toBe(50);
    const after = await snapshot();
    expect([...before].filter(([key, bytes]) => !after.get(key)?.equals(bytes)).map(([key]) => key)).toEqual([]);
    for (const device of lab.devices) {
      expect(await deviceCaFingerprint(lab, device.name, lab.fmc.uuid)).toBe(oldCa);
      const tunnel = lab.tunnel(device.name);
      expect(tunnel.state).toBe('connected');
      expect(tunnel.connectedSince!.getTime()).toBeGreaterThanOrEqual(rollbackStart.getTime());
    }
  });
});
