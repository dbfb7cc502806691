import { rm, writeFile } from 'node:fs/promises';
import { Certificate, InternalCA, fmcPushedFiles, inspectFmc, issueSftunnelCertificate, planRenewal, prepareRenewal, type PreparedRenewal } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { labInventory, useLabFmc } from './lab-fleet.js';

// The renewed InternalCA keeps the old one's name: issuer + serial must still name one certificate
// (RFC 5280; NSS refuses both with SEC_ERROR_REUSED_ISSUER_AND_SERIAL).

describe('renewal › the new InternalCA’s serials continue above every serial the old one issued', () => {
  const fleet = useLabFmc({ devices: 3, caState: 'expiring', direct: true });

  it('prepares a CA and certificates numbered above the old CA’s own serial and every certs_pushed one, also when an interrupted preparation resumes', async () => {
    const { lab, fmc } = fleet;
    const fmcName = lab.fmc.name;
    // One device was registered with a serial above the old CA's own (the highest the old CA issued).
    const oldCa = await InternalCA.fromPem(await lab.readFile(fmcName, lab.layout.fmc.caCertificate), await lab.readFile(fmcName, lab.layout.fmc.caKey));
    const highest = oldCa.certificate.serialNumber + 1000n;
    const late = await InternalCA.fromPem(oldCa.certificate.pem, await oldCa.privateKeyPem(), { nextSerial: highest });
    const lateDevice = lab.devices[1]!;
    const issued = await issueSftunnelCertificate({ ca: late, peerUuid: lateDevice.uuid, now: lab.clock.now() });
    const pushed = fmcPushedFiles(lab.layout, lateDevice.uuid);
    await writeFile(lab.path(fmcName, pushed.sftunnelCertificate), issued.certificate.pem);
    await writeFile(lab.path(fmcName, pushed.sftunnelKey), issued.privateKeyPem, { mode: 0o600 });

    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const seen = [inspection.ca.certificate, inspection.fmcCertificate.certificate, ...inspection.devices.map((d) => d.pushedCertificate.certificate)].map((c) => c.serialNumber);
    expect(seen.reduce((a, b) => (a > b ? a : b))).toBe(highest);
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const prepared = await prepareRenewal(fmc, inspection, plan, { now });
    const serialsOf = async (p: PreparedRenewal): Promise<{ ca: bigint; fmc: bigint; devices: bigint[] }> => {
      const read = async (path: string): Promise<bigint> => Certificate.fromPem(await lab.readFile(fmcName, path), path).serialNumber;
      return { ca: await read(p.ca.path), fmc: await read(p.fmc.certificate.path), devices: await Promise.all(p.devices.map((d) => read(d.certificate.path))) };
    };
    const first = await serialsOf(prepared);
    expect(first.ca).toBe(highest + 1n);
    expect([first.fmc, ...first.devices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual([highest + 2n, highest + 3n, highest + 4n, highest + 5n]);

    // Killed before the manifest, one device's pair not staged yet: resumed, its serial is above every one in use.
    await rm(lab.path(fmcName, `${plan.stagingDirectory}/manifest.json`));
    const dropped = prepared.devices[0]!;
    await rm(lab.path(fmcName, dropped.certificate.path));
    await rm(lab.path(fmcName, dropped.key.path));
    const resumed = await serialsOf(await prepareRenewal(fmc, inspection, plan, { now }));
    expect(resumed.ca).toBe(first.ca);
    expect(resumed.fmc).toBe(first.fmc);
    expect(resumed.devices.slice(1)).toEqual(first.devices.slice(1));
    // Keys are generated concurrently, so which device got which serial varies: the resumed one is
    // numbered right above the highest still in use (the dropped one's may be reused: it was never delivered).
    const inUse = [first.ca, first.fmc, ...first.devices.slice(1)];
    expect(resumed.devices[0]).toBe(inUse.reduce((a, b) => (a > b ? a : b)) + 1n);
    expect(resumed.devices[0]! > highest + 4n).toBe(true);
  });
});
