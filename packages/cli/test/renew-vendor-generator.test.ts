import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Certificate, ftdPeerFiles, keyMatchesCertificate, parseFailedPush, type JournalEntry } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { applianceTree, changesOutside } from '../../../test/reliability/appliance-tree.js';
import { useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

interface RenewDocument {
  result: { stagingDirectory: string; fmcSwitched: boolean; failedPushPath?: string; counts: Record<string, number>; devices: Array<{ name: string; outcome: string; alreadyDelivered: boolean }> };
}

/** Logs (and the shells' /dev/null) are written by every command; they are not what a renewal changes. */
const isLog = (path: string): boolean => path.startsWith('/var/log/') || path.startsWith('/ngfw/var/log/') || path === '/dev' || path.startsWith('/dev/');

describe('sftunnel-ca renew --generator vendor (against the lab, whose FMC has generate_certs.pl)', () => {
  // The old CA is still valid (expiring), so the rollback brings the tunnels back on it; two tunnels are down, so generate_certs.pl pushes to two devices only.
  const fixture = useCliLab({ devices: 4, caState: 'expiring', caDays: 20, tunnels: { down: [1, 3] } });
  const fmcFile = (path: string): Promise<string> => fixture.lab.readFile(fixture.lab.fmc.name, path);
  const caOf = async (device: string): Promise<string> => Certificate.fromPem(await fixture.lab.readFile(device, ftdPeerFiles(fixture.lab.layout, fixture.lab.fmc.uuid).caCertificate)).fingerprintSha256;
  const fmcCa = async (): Promise<Certificate> => Certificate.fromPem(await fmcFile('/etc/sf/ca_root/cacert.pem'));
  const trees = async (): Promise<Map<string, string>> => {
    const all = new Map<string, string>();
    for (const appliance of fixture.lab.appliances) for (const [path, digest] of await applianceTree(appliance.root)) all.set(`${appliance.name}:${path}`, digest);
    return all;
  };

  it('plan says which generator is used and why; on an FMC whose release has no fixed hotfix, --generator vendor is refused by preflight (exit 3) with nothing changed', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const devices = await writeDevicesCsv('devices.csv', lab.devices);
    const plan = await runInProcess(['plan', ...sshKnownHosts, '--devices', devices], { env: fixture.env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.split('\n')[0]).toBe("generator: own (default); the vendor's generate_certs.pl is present (/usr/bin/generate_certs.pl): --generator vendor uses it");

    const versionFile = lab.path(lab.fmc.name, '/etc/sf/sw_version');
    const version = await readFile(versionFile, 'utf8');
    await writeFile(versionFile, '7.1.0\n');
    try {
      const unfixed = await runInProcess(['plan', ...sshKnownHosts, '--devices', devices, '--json'], { env: fixture.env });
      expect(unfixed.code, unfixed.stderr).toBe(0);
      expect(unfixed.stderr).toContain('generator: own: 7.1.0: 7.1.x has no fixed hotfix, so the generate_certs.pl found at /usr/bin/generate_certs.pl is not the fixed one');
      const before = await trees();
      const refused = await runInProcess(['renew', ...sshKnownHosts, '--devices', devices, '--generator', 'vendor', '--yes'], { env: fixture.env });
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain('generator: vendor refused: 7.1.0: 7.1.x has no fixed hotfix');
      expect(refused.stderr).toMatch(/FAIL generator FMC \[VENDOR_GENERATOR_UNAVAILABLE\]: vendor refused: .*\n {6}what to do: renew with sftunnel-ca's own generator \(--generator own, the default\)/);
      expect(refused.stderr).toContain('PREFLIGHT_REFUSED');
      expect(changesOutside(before, await trees(), (path) => isLog(path.slice(path.indexOf(':') + 1)))).toEqual([]);
    } finally {
      await writeFile(versionFile, version);
    }
  });

  it('renews every device on the new CA: the script pushes where tunnels are up, the engine delivers the rest, verifies every tunnel, empties FAILED_PUSH and journals', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, dir } = fixture;
    const oldCa = (await fmcCa()).fingerprintSha256;
    const journal = join(dir, 'vendor.journal');
    const run = await runInProcess(['renew', ...sshKnownHosts, '--devices', join(dir, 'devices.csv'), '--generator', 'vendor', '--yes', '--journal', journal, '--json'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('generator: vendor (asked): /usr/bin/generate_certs.pl renews the InternalCA');
    const document = JSON.parse(run.stdout) as RenewDocument;
    expectValidDocument('sftunnel-ca/renew/v1', document);
    const { result } = document;
    expect(result).toMatchObject({ fmcSwitched: true, counts: { renewed: 4 } });
    expect(result.failedPushPath).toBeUndefined();
    // The two devices whose tunnel was up had their files from generate_certs.pl (found and verified); the two others from the engine.
    const pushed = Object.fromEntries(result.devices.map((d) => [d.name, d.alreadyDelivered]));
    expect(pushed).toEqual(Object.fromEntries(lab.devices.map((d, i) => [d.name, i === 0 || i === 2])));

    // Every device on the FMC's new CA, its real TLS tunnel up; the FMC's CA key is the new CA's.
    const newCa = await fmcCa();
    expect(newCa.fingerprintSha256).not.toBe(oldCa);
    expect(keyMatchesCertificate(await fmcFile('/etc/sf/ca_root/cakey.pem'), newCa)).toBe(true);
    for (const device of lab.devices) {
      expect(await caOf(device.name)).toBe(newCa.fingerprintSha256);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
    // generate_certs.pl wrote a FAILED_PUSH for the two devices it could not push to; it was taken into the run's, which lists none now.
    const scriptFailedPush = /devices need the certificates copied manually; see (\S+)$/m.exec(await fmcFile('/var/log/sf/sfca_generation.log'))?.[1] ?? '';
    expect(scriptFailedPush).toMatch(/^\/var\/tmp\/certs\/\d+\/FAILED_PUSH$/);
    expect(parseFailedPush(await fmcFile(scriptFailedPush).catch(() => ''), { fmcUuid: lab.fmc.uuid }).entries).toEqual([]);
    // The set is staged with a manifest; no FAILED_PUSH on the FMC lists a device any more.
    const staging = await readdir(lab.path(lab.fmc.name, result.stagingDirectory));
    expect(staging).toEqual(expect.arrayContaining(['manifest.json', 'cacert.pem', 'cakey.pem', 'crl.pem', 'peers']));
    for (const run of await readdir(lab.path(lab.fmc.name, '/var/tmp/certs'))) {
      const failedPush = join('/var/tmp/certs', run, 'FAILED_PUSH');
      const text = await fmcFile(failedPush).catch(() => '');
      expect(parseFailedPush(text, { fmcUuid: lab.fmc.uuid }).entries, failedPush).toEqual([]);
    }
    // The journal records the FMC's switch with what generate_certs.pl replaced, and every device.
    const entries = (await readFile(journal, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as JournalEntry);
    const switched = entries.find((e): e is Extract<JournalEntry, { type: 'fmc-switched' }> => e.type === 'fmc-switched');
    expect(switched?.replaced?.['/etc/sf/ca_root/cacert.pem']).toMatchObject({ backup: '/etc/sf/ca_root/cacert.pem.backup', writtenSha256: expect.any(String) });
    expect(switched?.replaced?.['/etc/sf/ca_root/cakey.pem']?.backup).toBe('/etc/sf/ca_root/cakey.pem.backup');
    expect(entries.filter((e) => e.type === 'renewed')).toHaveLength(4);
  });

  it('rollback with that journal puts every device and the FMC back on the old CA, its key with it, tunnels up', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, dir } = fixture;
    const oldCa = Certificate.fromPem(await fmcFile('/etc/sf/ca_root/cacert.pem.backup'));
    const rollback = await runInProcess(['rollback', ...sshKnownHosts, '--devices', join(dir, 'devices.csv'), '--journal', join(dir, 'vendor.journal'), '--yes'], { env: fixture.env });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('4 of 4 devices rolled back');
    expect((await fmcCa()).fingerprintSha256).toBe(oldCa.fingerprintSha256);
    expect(keyMatchesCertificate(await fmcFile('/etc/sf/ca_root/cakey.pem'), oldCa)).toBe(true);
    for (const device of lab.devices) {
      expect(await caOf(device.name)).toBe(oldCa.fingerprintSha256);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
  });
});
