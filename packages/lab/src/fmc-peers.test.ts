import { Secret, inspectFmc } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './start-lab.js';

describe('the lab FMC knows its devices', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 3 });
  });
  afterAll(() => lab.stop());

  it('writes each device’s name and address in its peer directory’s sftunnel.json', async () => {
    for (const device of lab.devices) {
      const identity = JSON.parse(await lab.readFile(lab.fmc.name, `/var/sf/peers/${device.uuid}/sftunnel.json`)) as Record<string, unknown>;
      expect(identity).toMatchObject({ peer_uuid: device.uuid, peer_name: device.name, peer_ip: device.address });
    }
  });

  it('so that inspectFmc over SSH names every device without an inventory', async () => {
    const fmc = await SshHost.connect({
      host: lab.fmc.address,
      port: lab.fmc.sshPort,
      username: lab.fmc.username,
      password: new Secret(lab.fmc.password),
      strategy: 'expert',
      hostKeys: { fingerprints: [lab.fmc.hostKeyFingerprint] },
    });
    try {
      const inspection = await inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout });
      expect(inspection.devices.map((d) => [d.uuid, d.name, d.address]).sort()).toEqual(lab.devices.map((d) => [d.uuid, d.name, d.address]).sort());
    } finally {
      await fmc.close();
    }
  });
});
