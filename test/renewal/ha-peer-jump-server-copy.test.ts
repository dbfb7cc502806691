import { Certificate, copyFromDevicesCsv, defineApplianceLayout, fmcHaPeerFiles, fmcPushedFiles, parseCopyLog, parseDevicesCsv, type CopyLogEventKind, type DeviceRow } from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance } from '@sftunnel-ca/lab';
import type { SshHost } from '@sftunnel-ca/transport';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAppliance, connectRow, labConnect, renewLabFmc } from './lab-fleet.js';

const COPIED: readonly CopyLogEventKind[] = ['attempting', 'connected', 'copying', 'copied', 'restarting', 'closing'];
/** FTDs keep their peer directories under /ngfw on the appliance (/var/sf is a link there): the FMCs' stay under /var/sf. */
const LAYOUT = defineApplianceLayout({ ftd: { peersDirectory: '/ngfw/var/sf/peers' } });

describe('renewal › from a jump server: the HA peer FMC row gets the certificates, as the vendor’s rule says', () => {
  let lab: Lab;
  let fmc: SshHost;
  let dir: string;
  let passwordFile: string;
  /** The secondary's own InternalCA before anything: the primary's copy must not touch it. */
  let secondaryCa: string;

  beforeAll(async () => {
    // An HA pair whose FMCs are sftunnel peers of each other, as on the appliance.
    lab = await startLab({ devices: 3, ha: true, haTunnel: true, caState: 'expired', direct: true, layout: LAYOUT });
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-ha-copy-'));
    passwordFile = join(dir, 'lab.password');
    await writeFile(passwordFile, lab.fmc.password, { mode: 0o600 });
    fmc = await connectAppliance(lab.fmc, 'direct');
    const secondary = lab.secondaryFmc!;
    secondaryCa = await lab.readFile(secondary.name, lab.layout.fmc.caCertificate);
    expect(lab.tunnel(secondary.name, lab.fmc.name).state).toBe('connected');
    // The primary renewed while the secondary does not answer (as generate_certs.pl would leave it: in FAILED_PUSH).
    await lab.setFaults(secondary.name, { silent: true });
    const { result } = await renewLabFmc(lab, fmc, { deliver: { connect: labConnect(lab, 'direct', 3_000) } });
    await lab.setFaults(secondary.name, {});
    expect(result.counts).toMatchObject({ renewed: 3, failed: 1 });
    expect(result.devices.find((d) => d.outcome === 'failed')?.name).toBe(secondary.name);
    // The primary restarted on its new CA: the secondary, still on the old one, cannot reconnect.
    expect(lab.tunnel(secondary.name, lab.fmc.name).state).toBe('disconnected');
  }, 300_000);
  afterAll(async () => {
    await fmc?.close();
    await lab?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const devicesCsv = (): readonly DeviceRow[] => {
    // The vendor's four columns, no header: the primary first, its devices, then the HA peer.
    const row = (a: LabAppliance): string => `${a.name},${a.address},${a.username},file:${passwordFile}\n`;
    return parseDevicesCsv([lab.fmc, ...lab.devices, lab.secondaryFmc!].map(row).join(''));
  };
  const copy = (rows: readonly DeviceRow[]): ReturnType<typeof copyFromDevicesCsv> =>
    copyFromDevicesCsv(rows, {
      // CLI → expert → sudo su on every appliance, as from a jump server.
      connect: (r, signal) => connectRow(r, lab.appliance(r.name), signal, 10_000),
      now: () => lab.clock.now(),
      layout: lab.layout,
      concurrency: 4,
    });

  it('copies the primary’s new CA and the pair it made for the secondary into the secondary’s peer directory; the pair’s tunnel comes back', async () => {
    const secondary = lab.secondaryFmc!;
    const result = await copy(devicesCsv());

    expect(result.counts).toEqual({ copied: 4, 'skipped-not-ha-peer': 0, failed: 0 });
    const peerRecord = result.records.find((r) => r.name === secondary.name)!;
    expect(peerRecord, peerRecord.message).toMatchObject({ role: 'ha-peer', outcome: 'copied', alreadyCopied: false, cause: undefined });
    expect(peerRecord.events.map((e) => e.kind)).toEqual(COPIED);

    // Where the secondary keeps what it holds for the primary: its own peers directory (not an FTD's), backups kept.
    const held = fmcHaPeerFiles(lab.layout, lab.fmc.uuid);
    expect(Object.keys(peerRecord.backups).sort()).toEqual([held.caCertificate, held.sftunnelCertificate, held.sftunnelKey].sort());
    const pushed = fmcPushedFiles(lab.layout, secondary.uuid);
    expect(await lab.readFile(secondary.name, held.caCertificate)).toBe(await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate));
    expect(await lab.readFile(secondary.name, held.sftunnelCertificate)).toBe(await lab.readFile(lab.fmc.name, pushed.sftunnelCertificate));
    expect(await lab.readFile(secondary.name, held.sftunnelKey)).toBe(await lab.readFile(lab.fmc.name, pushed.sftunnelKey));
    for (const path of [held.caCertificate, held.sftunnelCertificate, held.sftunnelKey]) expect((await stat(lab.path(secondary.name, path))).mode & 0o777).toBe(0o644);
    expect(Certificate.fromPem(await lab.readFile(secondary.name, held.caCertificate)).fingerprintSha256).toBe(result.caFingerprintSha256);
    // The secondary's own InternalCA is its own business: untouched.
    expect(await lab.readFile(secondary.name, lab.layout.fmc.caCertificate)).toBe(secondaryCa);

    // The pair's tunnel is up again on the primary's new CA, and every device's too.
    expect(lab.tunnel(secondary.name, lab.fmc.name).state).toBe('connected');
    for (const device of lab.devices) expect(lab.tunnel(device.name, lab.fmc.name).state).toBe('connected');

    // The vendor's log says so, and reads back as the records.
    for (const message of [`Connected to ${secondary.name}`, 'Copying certificates to peer', `Successfully copied certificates to ${secondary.name}`, `Restarting sftunnel for ${secondary.name}`]) {
      expect(result.log).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - ${message}$`, 'm'));
    }
    expect(result.log).not.toContain('is not an HA-peer');
    expect(parseCopyLog(result.log).map((r) => r.events.map((e) => e.kind))).toEqual(result.records.map((r) => r.events.map((e) => e.kind)));
  });

  it('logs why the HA peer row failed, on its own line of the vendor’s log, before closing the connection', async () => {
    const secondary = lab.secondaryFmc!;
    await lab.setFaults(secondary.name, { pmtoolFails: true });
    try {
      const result = await copy(devicesCsv().filter((r) => r.name === lab.fmc.name || r.name === secondary.name));
      expect(result.counts).toEqual({ copied: 0, 'skipped-not-ha-peer': 0, failed: 1 });
      const [record] = result.records;
      expect(record).toMatchObject({ name: secondary.name, role: 'ha-peer', outcome: 'failed', alreadyCopied: true });
      expect(record!.events.map((e) => e.kind)).toEqual(['attempting', 'connected', 'copying', 'copied', 'restarting', 'failed', 'closing']);
      const reason = record!.events.find((e) => e.kind === 'failed')?.reason;
      expect(reason).toBe(`${record!.cause}: ${record!.message}`.replace(/\s+/g, ' ').trim());
      expect(result.log).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - Failed to copy certificates to ${secondary.name}: ${record!.cause}: \\S`, 'm'));
      expect(parseCopyLog(result.log)[0]?.events.find((e) => e.kind === 'failed')?.reason).toBe(reason);
    } finally {
      await lab.setFaults(secondary.name, {});
    }
  });
});
