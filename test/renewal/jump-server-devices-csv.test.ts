import { Certificate, copyFromDevicesCsv, fmcPushedFiles, ftdPeerFiles, parseCopyLog, parseDevicesCsv, type CopyLogEventKind, type DeviceRow } from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance } from '@sftunnel-ca/lab';
import { SshHost } from '@sftunnel-ca/transport';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAppliance, connectRow, labConnect, renewLabFmc } from './lab-fleet.js';

const COPIED: readonly CopyLogEventKind[] = ['attempting', 'connected', 'copying', 'copied', 'restarting', 'closing'];
const NOT_HA_PEER: readonly CopyLogEventKind[] = ['attempting', 'connected', 'not-ha-peer', 'closing'];

describe('renewal › (e) from a jump server: a devices.csv in the vendor’s format, the FMC first, a non-HA FMC skipped', () => {
  let lab: Lab;
  /** Another FMC, not the HA peer of the lab's: its own lab. */
  let other: Lab;
  let fmc: SshHost;
  let dir: string;
  let labPassword: string;
  let otherPassword: string;
  /** Where the renewal staged its files on the FMC (FAILED_PUSH is there). */
  let stagingDirectory: string;
  /** Tunnels down at start, and unreachable while the CA is renewed: they need the copy step. */
  const down = [1, 2, 4];

  beforeAll(async () => {
    [lab, other] = await Promise.all([
      startLab({ devices: 6, caState: 'expired', tunnels: { down }, direct: true }),
      startLab({ devices: 1, direct: true }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-jump-'));
    // The passwords, in 0600 files of the test's own that devices.csv references (`file:`).
    labPassword = join(dir, 'lab.password');
    otherPassword = join(dir, 'other.password');
    await writeFile(labPassword, lab.fmc.password, { mode: 0o600 });
    await writeFile(otherPassword, other.fmc.password, { mode: 0o600 });
    fmc = await connectAppliance(lab.fmc, 'direct');
    // The CA renewed on the FMC while the down devices cannot be reached (as generate_certs.pl would leave them).
    for (const i of down) await lab.setFaults(lab.devices[i]!.name, { silent: true });
    const { prepared, result } = await renewLabFmc(lab, fmc, { deliver: { connect: labConnect(lab, 'direct', 5_000) } });
    stagingDirectory = prepared.stagingDirectory;
    expect(result.counts).toMatchObject({ renewed: 3, failed: 3 });
    for (const i of down) await lab.setFaults(lab.devices[i]!.name, {});
  }, 300_000);
  afterAll(async () => {
    await fmc?.close();
    await Promise.all([lab?.stop(), other?.stop()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('copies the FMC’s new files to every FTD, skips the other FMC with the vendor’s message, and logs in the vendor’s format', async () => {
    for (const i of down) expect(lab.tunnel(lab.devices[i]!.name).state).toBe('disconnected');
    // The vendor's four columns, no header; passwords by file reference.
    const row = (a: LabAppliance, name: string, password: string): string => `${name},${a.address},${a.username},file:${password}\n`;
    const ftds = lab.devices.map((d) => row(d, d.name, labPassword));
    const csv = [row(lab.fmc, lab.fmc.name, labPassword), ...ftds.slice(0, 3), row(other.fmc, 'FMCother', otherPassword), ...ftds.slice(3)].join('');
    const rows = parseDevicesCsv(csv);
    const appliance = (r: DeviceRow): LabAppliance => (r.name === 'FMCother' ? other.fmc : lab.appliance(r.name));

    let inFlight = 0;
    let mostInFlight = 0;
    const result = await copyFromDevicesCsv(rows, {
      connect: async (r, signal) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await connectRow(r, appliance(r), signal, 10_000);
        } finally {
          inFlight -= 1;
        }
      },
      now: () => lab.clock.now(),
      layout: lab.layout,
      concurrency: 8,
    });

    // One record per row after the FMC, in row order; the other FMC skipped with the vendor's message.
    expect(result.source).toBe(lab.fmc.name);
    expect(result.records.map((r) => r.name)).toEqual(rows.slice(1).map((r) => r.name));
    expect(result.counts).toEqual({ copied: 6, 'skipped-not-ha-peer': 1, failed: 0 });
    const skipped = result.records.find((r) => r.name === 'FMCother')!;
    expect(skipped).toMatchObject({ role: 'fmc', outcome: 'skipped-not-ha-peer', cause: undefined });
    expect(skipped.events.map((e) => e.kind)).toEqual(NOT_HA_PEER);
    for (const record of result.records.filter((r) => r.name !== 'FMCother')) {
      expect(record, record.message).toMatchObject({ role: 'ftd', outcome: 'copied' });
      expect(record.events.map((e) => e.kind)).toEqual(COPIED);
    }
    // Not one device at a time.
    expect(mostInFlight).toBeGreaterThan(1);

    // Every FTD holds the FMC's new CA and its own pair from certs_pushed, mode 0644, and its tunnel is up on it.
    const fmcCa = await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate);
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    for (const [i, device] of lab.devices.entries()) {
      const pushed = fmcPushedFiles(lab.layout, device.uuid);
      expect(await lab.readFile(device.name, peer.caCertificate)).toBe(fmcCa);
      expect(await lab.readFile(device.name, peer.sftunnelCertificate)).toBe(await lab.readFile(lab.fmc.name, pushed.sftunnelCertificate));
      expect(await lab.readFile(device.name, peer.sftunnelKey)).toBe(await lab.readFile(lab.fmc.name, pushed.sftunnelKey));
      for (const path of [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey]) expect((await stat(lab.path(device.name, path))).mode & 0o777).toBe(0o644);
      const record = result.records.find((r) => r.name === device.name)!;
      if (down.includes(i)) {
        // Replaced now: the files before renewal kept as *.backup.
        expect(record.alreadyCopied).toBe(false);
        expect(Object.keys(record.backups).sort()).toEqual([peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey].sort());
        expect(await lab.readFile(device.name, `${peer.caCertificate}.backup`)).not.toBe(fmcCa);
      } else {
        expect(record.alreadyCopied).toBe(true);
      }
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
    expect(result.caFingerprintSha256).toBe(Certificate.fromPem(fmcCa).fingerprintSha256);

    // The log: the vendor's lines, in the vendor's format: it reads back as the records, with the sections of the vendor's own log (test/fixtures/domain/copy-run.log).
    const lines = result.log.split('\n');
    expect(lines[0]).toBe('=====');
    expect(result.log).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - FMCother is not an HA-peer\. Certificates will not be copied$/m);
    for (const device of lab.devices) {
      for (const message of [`Attempting connection to ${device.name}`, `Connected to ${device.name}`, 'Copying certificates to peer', `Successfully copied certificates to ${device.name}`, `Restarting sftunnel for ${device.name}`, `Closing connection with ${device.name}`]) {
        expect(result.log).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - ${message}$`, 'm'));
      }
    }
    const parsed = parseCopyLog(result.log);
    expect(parsed.map((r) => ({ device: r.device, kinds: r.events.map((e) => e.kind) }))).toEqual(result.records.map((r) => ({ device: r.name, kinds: r.events.map((e) => e.kind) })));
    const fixture = parseCopyLog(await readFile(new URL('../fixtures/domain/copy-run.log', import.meta.url), 'utf8'));
    expect(fixture.find((r) => r.device === 'FTDv')!.events.map((e) => e.kind)).toEqual(COPIED);
    expect(fixture.find((r) => r.device === 'FMCpri')!.events.map((e) => e.kind)).toEqual(NOT_HA_PEER);
  });

  it('logs "Could not connect" for a device that does not answer, and fails a device the FMC does not know, with cause codes', async () => {
    const silent = lab.devices[5]!;
    const stranger = other.devices[0]!;
    await lab.setFaults(silent.name, { silent: true });
    try {
      const csv = `${lab.fmc.name},${lab.fmc.address},admin,file:${labPassword}\n${silent.name},${silent.address},admin,file:${labPassword}\nStranger,${stranger.address},admin,file:${otherPassword}\n`;
      const result = await copyFromDevicesCsv(parseDevicesCsv(csv), {
        connect: (r, signal) => connectRow(r, r.name === 'Stranger' ? stranger : lab.appliance(r.name), signal, 3_000),
        now: () => lab.clock.now(),
        layout: lab.layout,
      });
      expect(result.counts).toEqual({ copied: 0, 'skipped-not-ha-peer': 0, failed: 2 });
      const [unanswered, unknown] = result.records;
      expect(unanswered).toMatchObject({ name: silent.name, outcome: 'failed', cause: 'CONNECT_TIMEOUT', role: undefined });
      // A row connected to that failed says why on a line of its own, before closing; one never reached keeps the vendor's two lines.
      expect(unanswered!.events.map((e) => e.kind)).toEqual(['attempting', 'could-not-connect']);
      expect(unknown).toMatchObject({ name: 'Stranger', outcome: 'failed', cause: 'RENEWAL_DEVICE_UNKNOWN' });
      expect(unknown!.events.map((e) => e.kind)).toEqual(['attempting', 'connected', 'failed', 'closing']);
      expect(result.log).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - Could not connect to ${silent.name}$`, 'm'));
      expect(result.log).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - Failed to copy certificates to Stranger: RENEWAL_DEVICE_UNKNOWN: .*has no peer directory/m);
      expect(parseCopyLog(result.log).map((r) => r.device)).toEqual([silent.name, 'Stranger']);
    } finally {
      await lab.setFaults(silent.name, {});
    }
  });

  it('copies from a staging directory when given: the files the renewal staged, the same as the FMC’s', async () => {
    const device = lab.devices[1]!;
    const csv = `${lab.fmc.name},${lab.fmc.address},admin,file:${labPassword}\n${device.name},${device.address},admin,file:${labPassword}\n`;
    const result = await copyFromDevicesCsv(parseDevicesCsv(csv), {
      connect: (r, signal) => connectRow(r, lab.appliance(r.name), signal, 10_000),
      now: () => lab.clock.now(),
      layout: lab.layout,
      stagingDirectory,
    });
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ name: device.name, role: 'ftd', outcome: 'copied', alreadyCopied: true });
    expect(lab.tunnel(device.name).state).toBe('connected');
  });
});
