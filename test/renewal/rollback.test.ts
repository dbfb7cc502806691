import { ftdPeerFiles, rollbackRenewal } from '@sftunnel-ca/core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { connectAppliance, deviceCaFingerprint, labConnect, renewLabFmc, useLabFmc } from './lab-fleet.js';

describe('renewal › (h) rollback, while the old CA is still valid', () => {
  const fleet = useLabFmc({ devices: 50, caState: 'expiring', caDays: 20, direct: true });

  /** The bytes of every file renewal replaces, on every appliance. */
  async function snapshot(): Promise<Map<string, Buffer>> {
    const { lab } = fleet;
    const files = new Map<string, Buffer>();
    const fmcPaths = ['/etc/sf/ca_root/cacert.pem', '/etc/sf/ca_root/crl.pem', '/etc/sf/keys/sftunnel-cert.pem', '/etc/sf/keys/sftunnel-key.pem'];
    for (const device of lab.devices) {
      const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
      for (const path of [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey]) files.set(`${device.name}:${path}`, await readFile(lab.path(device.name, path)));
      for (const name of ['sftunnel-cert.pem', 'sftunnel-key.pem']) fmcPaths.push(`/var/sf/peers/${device.uuid}/certs_pushed/${name}`);
    }
    for (const path of fmcPaths) files.set(`${lab.fmc.name}:${path}`, await readFile(lab.path(lab.fmc.name, path)));
    return files;
  }

  it('restores every replaced file byte for byte and the tunnels come back on the old CA', async () => {
    const { lab, fmc } = fleet;
    const before = await snapshot();
    const oldCa = await deviceCaFingerprint(lab, lab.devices[0]!.name, lab.fmc.uuid);
    const { plan, result } = await renewLabFmc(lab, fmc);
    expect(result.counts.renewed).toBe(50);
    const renewed = await snapshot();
    expect([...before].filter(([key, bytes]) => renewed.get(key)?.equals(bytes))).toEqual([]);

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
