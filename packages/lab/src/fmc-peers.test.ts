import { inspectFmc } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppliance } from '@sftunnel-ca/transport/testing';
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
    const fmc = await openAppliance(lab.fmc, { strategy: 'expert', connectTimeoutMs: 10_000 });
    try {
      const inspection = await inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout });
      expect(inspection.devices.map((d) => [d.uuid, d.name, d.address]).sort()).toEqual(lab.devices.map((d) => [d.uuid, d.name, d.address]).sort());
    } finally {
      await fmc.close();
    }
  });
});
