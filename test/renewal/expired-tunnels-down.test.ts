import { describe, expect, it } from 'vitest';
import { connectAppliance, deviceCaFingerprint, renewLabFmc, useLabFmc } from './lab-fleet.js';

describe('renewal › (b) CA expired, all 50 tunnels down', () => {
  const fleet = useLabFmc({ devices: 50, caState: 'expired', tunnels: 'down', direct: true });

  it('renews and copies over SSH, through each device’s CLI → expert → sudo shell: all 50 tunnels come back on the new CA', async () => {
    const { lab, fmc } = fleet;
    expect(lab.tunnels().filter((t) => t.state === 'connected')).toHaveLength(0);
    const restarting = lab.devices[0]!.name;
    await lab.restartTunnel(restarting);
    expect(lab.tunnel(restarting).lastError?.code).toBe('CERTIFICATE_EXPIRED');

    const { prepared, result } = await renewLabFmc(lab, fmc, { strategy: 'expert' });
    expect(result.counts.renewed).toBe(50);
    expect(result.failedPushPath).toBeUndefined();
    for (const device of lab.devices) {
      expect(lab.tunnel(device.name).state).toBe('connected');
      expect(await deviceCaFingerprint(lab, device.name, lab.fmc.uuid)).toBe(prepared.ca.certificate.fingerprintSha256);
    }
  });
});
