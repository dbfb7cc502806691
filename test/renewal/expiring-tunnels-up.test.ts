import { Certificate } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { connectAppliance, deviceCaFingerprint, renewLabFmc, useLabFmc } from './lab-fleet.js';

describe('renewal › (a) CA 20 days from expiry, 50 tunnels up', () => {
  const fleet = useLabFmc({ devices: 50, caState: 'expiring', caDays: 20, direct: true });

  it('renews: every tunnel reconnects on the new CA and the old CA is gone from every device', async () => {
    const { lab, fmc } = fleet;
    const oldCa = Certificate.fromPem(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).fingerprintSha256;
    const { prepared, result } = await renewLabFmc(lab, fmc, { plan: { canary: 2 } });
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
  });
});
