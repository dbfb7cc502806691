import { Certificate, fmcPushedFiles } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('generate_certs.pl on the lab FMC › serial numbers', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 3, direct: ['FMCpri'] });
  });
  afterAll(() => lab.stop());

  /** The serials under the FMC's InternalCA name: the CA's own, the FMC's certificate, each device's certs_pushed one. */
  async function serials(): Promise<bigint[]> {
    const paths = [lab.layout.fmc.caCertificate, lab.layout.fmc.sftunnelCertificate, ...lab.devices.map((d) => fmcPushedFiles(lab.layout, d.uuid).sftunnelCertificate)];
    return Promise.all(paths.map(async (path) => Certificate.fromPem(await lab.readFile(lab.fmc.name, path), path).serialNumber));
  }

  it('numbers the new InternalCA and every certificate it issues above every serial the old CA issued, run after run', async () => {
    const before = await serials();
    const client = await connectClient(lab.fmc, { username: 'root' });
    try {
      for (let run = 0; run < 2; run += 1) {
        const old = await serials();
        expect((await execOn(client, 'generate_certs.pl', 'yes\nyes\n')).code).toBe(0);
        const renewed = await serials();
        const highest = old.reduce((a, b) => (a > b ? a : b));
        expect(renewed[0]).toBe(highest + 1n);
        // The FMC's and the devices' (issued concurrently: in any order), each once.
        const issued = renewed.slice(1).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(issued).toEqual(issued.map((_, i) => highest + 2n + BigInt(i)));
      }
    } finally {
      client.end();
    }
    expect(new Set([...before, ...(await serials())]).size).toBe(2 * before.length);
  });
});
