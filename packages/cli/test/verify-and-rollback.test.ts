import { readFile } from 'node:fs/promises';
import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

interface VerifyDocument {
  passed: number;
  failed: number;
  devices: Array<{ name: string; ok: boolean; files: { ok: boolean }; chain: { ok: boolean }; key: { ok: boolean }; tunnel: string; error?: string }>;
}

describe('sftunnel-ca renew → verify → copy --failed-push → verify → rollback (against the lab)', () => {
  // The old CA is still valid (expiring), so a rollback brings the tunnels back on it.
  const fixture = useCliLab({ devices: 3, caState: 'expiring', caDays: 20 });
  const caOf = async (device: string): Promise<string> => {
    const { lab } = fixture;
    return Certificate.fromPem(await lab.readFile(device, ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate)).fingerprintSha256;
  };

  it('completes a renewal that left a device out, and verify tells the difference before and after', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const left = lab.devices[2]?.name ?? '';
    const oldCa = await caOf(left);
    const devices = await writeDevicesCsv('devices.csv', lab.devices);
    const wrongPort = await writeDevicesCsv('wrong-port.csv', lab.devices, { port: (d) => (d.name === left ? 1 : d.sshPort) });
    const renew = await runInProcess(['renew', ...sshKnownHosts, '--devices', wrongPort, '--yes', '--allow-unreachable'], { env: fixture.env });
    expect(renew.code, renew.stderr).toBe(1);
    const failedPush = /FAILED_PUSH: (\S+)/.exec(renew.stdout)?.[1] ?? '';
    expect(failedPush).toMatch(/\/FAILED_PUSH$/);

    const before = await runInProcess(['verify', ...sshKnownHosts, '--devices', devices, '--json'], { env: fixture.env });
    expect(before.code, before.stderr).toBe(1);
    const beforeDocument = JSON.parse(before.stdout) as VerifyDocument;
    expectValidDocument('sftunnel-ca/verify/v1', beforeDocument);
    expect(beforeDocument).toMatchObject({ passed: 2, failed: 1 });
    expect(beforeDocument.devices.find((d) => d.name === left)).toMatchObject({ ok: false, files: { ok: false }, chain: { ok: false } });

    const copy = await runInProcess(['copy', ...sshKnownHosts, '--failed-push', failedPush, devices, '--json'], { env: fixture.env });
    expect(copy.code, copy.stderr).toBe(0);
    const copyDocument = JSON.parse(copy.stdout) as { stagingDirectory: string | null; records: Array<{ name: string; outcome: string }> };
    expectValidDocument('sftunnel-ca/copy/v1', copyDocument);
    expect(copyDocument.records).toMatchObject([{ name: left, outcome: 'copied' }]);
    expect(copyDocument.stagingDirectory).toBe(failedPush.replace(/\/FAILED_PUSH$/, ''));
    expect(await caOf(left)).not.toBe(oldCa);

    const after = await runInProcess(['verify', ...sshKnownHosts, '--devices', devices], { env: fixture.env });
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain('3 of 3 devices pass');
  });

  it('rollback refuses without a terminal and without --yes, then restores every device and the FMC from their backups', async () => {
    const { lab, sshKnownHosts, dir } = fixture;
    const devices = `${dir}/devices.csv`;
    const refused = await runInProcess(['rollback', ...sshKnownHosts, '--devices', devices], { env: fixture.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('rollback changes the FMC and its devices: confirm on a terminal, or pass --yes');
    const unknown = await runInProcess(['rollback', 'FTD-9999', ...sshKnownHosts, '--devices', devices, '--yes'], { env: fixture.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('FTD-9999: no such device');

    const run = await runInProcess(['rollback', ...sshKnownHosts, '--devices', devices, '--yes', '--json'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { result: { counts: Record<string, number> } };
    expectValidDocument('sftunnel-ca/rollback/v1', document);
    expect(document.result.counts['rolled-back']).toBe(3);
    const liveCa = Certificate.fromPem(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).fingerprintSha256;
    for (const device of lab.devices) {
      expect(await caOf(device.name)).toBe(liveCa);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
    expect(run.stdout + run.stderr).not.toContain(lab.fmc.password);
    expect(await readFile(devices, 'utf8')).not.toContain(lab.fmc.password);
  });
});
