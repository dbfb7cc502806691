import { ftdPeerFiles } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { startLab } from './index.js';

describe('an HA pair', () => {
  it('gives each FMC its own InternalCA and each device a tunnel to both', async () => {
    const lab = await startLab({ devices: 1, ha: true });
    try {
      const secondary = lab.secondaryFmc!;
      expect(secondary.name).toBe('FMCsec');
      const [primaryCa, secondaryCa] = await Promise.all([lab.readFile('FMCpri', '/etc/sf/ca_root/cacert.pem'), lab.readFile('FMCsec', '/etc/sf/ca_root/cacert.pem')]);
      expect(primaryCa).not.toBe(secondaryCa);
      expect(await lab.readFile('FTD-0001', ftdPeerFiles(lab.layout, secondary.uuid).caCertificate)).toBe(secondaryCa);
      expect(lab.tunnels().map((t) => [t.manager, t.state])).toEqual([
        ['FMCpri', 'connected'],
        ['FMCsec', 'connected'],
      ]);
    } finally {
      await lab.stop();
    }
  });
});
