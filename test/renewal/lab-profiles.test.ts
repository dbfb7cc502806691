import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import { describe, expect, it } from 'vitest';
import { useCliLab } from '../../packages/cli/test/cli-lab.js';
import { runInProcess } from '../../packages/cli/test/run-in-process.js';

interface RenewDocument {
  result: { stagingDirectory: string; counts: Record<string, number>; devices: Array<{ name: string; outcome: string }> };
}

/** Every device holds the FMC's new CA and its tunnel is up on it. */
async function expectAllOnNewCa(lab: Lab, stagingDirectory: string): Promise<void> {
  const newCa = Certificate.fromPem(await lab.readFile(lab.fmc.name, `${stagingDirectory}/cacert.pem`)).fingerprintSha256;
  expect(Certificate.fromPem(await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate)).fingerprintSha256).toBe(newCa);
  for (const device of lab.devices) {
    expect(lab.tunnel(device.name).state, device.name).toBe('connected');
    expect(Certificate.fromPem(await lab.readFile(device.name, ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate)).fingerprintSha256, device.name).toBe(newCa);
  }
}

/**
 * Every lab profile renewed end to end through the CLI's commands, in mixed fleets: the FTD profiles
 * (6.4 hardware with NOTICE and sudo's lecture, FTDv 7, an FP4100 module whose expert shell starts in
 * /opt/cisco/csp/applications) and a plain device behind each FMC profile.
 */
describe('renewal › lab profiles, one mixed fleet per FMC profile, through the CLI', () => {
  const devices = [
    { name: 'ftd64', profile: 'ftd-6.4-hw' },
    { name: 'ftd7', profile: 'ftd-7-virtual' },
    { name: 'fp4150', profile: 'fp4100-module' },
    { name: 'plain' },
  ] as const;
  const fmc7 = useCliLab({ devices, profile: 'fmc-7', caState: 'expired', tunnels: { down: ['ftd7'] } });

  it('fmc-7 with ftd-6.4-hw, ftd-7-virtual, fp4100-module and a plain FTD: renewed (exit 0), every tunnel up on the new CA', async () => {
    const { lab } = fmc7;
    const csv = await fmc7.writeDevicesCsv('devices.csv', lab.devices);
    const run = await runInProcess(['renew', ...fmc7.sshKnownHosts, '--devices', csv, '--yes', '--json'], { env: fmc7.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as RenewDocument;
    expect(document.result.devices.map((d) => [d.name, d.outcome]).sort()).toEqual(devices.map((d) => [d.name, 'renewed']).sort());
    await expectAllOnNewCa(lab, document.result.stagingDirectory);
  });

  const fmc62 = useCliLab({ devices: [{ name: 'ftd64', profile: 'ftd-6.4-hw' }, { name: 'fp4150', profile: 'fp4100-module' }], profile: 'fmc-6.2-bash', caState: 'expired' });

  it('fmc-6.2-bash (SSH lands in bash) with --strategy expert: sudo su from the landing shell, renewed (exit 0)', async () => {
    const { lab } = fmc62;
    const csv = await fmc62.writeDevicesCsv('devices.csv', lab.devices);
    const run = await runInProcess(['renew', ...fmc62.sshKnownHosts, '--devices', csv, '--yes', '--json'], { env: fmc62.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as RenewDocument;
    expect(document.result.counts['renewed']).toBe(2);
    await expectAllOnNewCa(lab, document.result.stagingDirectory);
  });

  // The CLI's default strategy, `auto`, on an FMC whose login lands in bash: sudo su from the
  // landing shell as `expert` does (issue 21), never exec channels as `admin`.
  const fmc62auto = useCliLab({ devices: [{ name: 'ftd7', profile: 'ftd-7-virtual' }, { name: 'plain' }], profile: 'fmc-6.2-bash', caState: 'expired' });

  it('fmc-6.2-bash with the default --strategy auto: root by sudo su from the landing shell, renewed (exit 0), every tunnel up on the new CA', async () => {
    const { lab } = fmc62auto;
    const csv = await fmc62auto.writeDevicesCsv('devices.csv', lab.devices);
    // No --strategy: the CLI's default, auto.
    const args = fmc62auto.sshKnownHosts.filter((arg, i, all) => arg !== '--strategy' && all[i - 1] !== '--strategy');
    expect(args).not.toContain('--strategy');
    const run = await runInProcess(['renew', ...args, '--devices', csv, '--yes', '--json'], { env: fmc62auto.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as RenewDocument;
    expect(document.result.devices.map((d) => [d.name, d.outcome]).sort()).toEqual([['ftd7', 'renewed'], ['plain', 'renewed']]);
    await expectAllOnNewCa(lab, document.result.stagingDirectory);
  });
});
