import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance } from '@sftunnel-ca/lab';
import { formatKnownHosts } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';
import { runOnTerminal } from './run-on-terminal.js';

interface RenewDocument {
  result: { stagingDirectory: string; failedPushPath?: string; counts: Record<string, number>; devices: Array<{ name: string; outcome: string }> };
}

const env = { SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };

/** A lab to renew, and the files an operator would have: the FMC password (0600), a known_hosts and a devices.csv of `file:` references. */
async function renewableLab(devices: number): Promise<{ lab: Lab; dir: string; ssh: string[]; writeDevicesCsv: (name: string, port?: (device: LabAppliance) => number) => Promise<string> }> {
  const lab = await startLab({ devices, caState: 'expired', tunnels: { down: [0] } });
  const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-renew-'));
  const passwordFile = join(dir, 'password');
  await writeFile(passwordFile, `${lab.fmc.password}\n`, { mode: 0o600 });
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, formatKnownHosts(lab.appliances));
  const ssh = ['--fmc', `${lab.fmc.username}@${lab.fmc.address}:${lab.fmc.sshPort}`, '--password-file', passwordFile, '--known-hosts', knownHosts, '--strategy', 'expert'];
  const writeDevicesCsv = async (name: string, port?: (device: LabAppliance) => number): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, lab.devicesCsv({ password: `file:${passwordFile}`, port, roles: true }));
    return path;
  };
  return { lab, dir, ssh, writeDevicesCsv };
}

async function expectAllOnNewCa(lab: Lab, stagingDirectory: string): Promise<void> {
  const newCa = Certificate.fromPem(await lab.readFile(lab.fmc.name, `${stagingDirectory}/cacert.pem`)).fingerprintSha256;
  for (const device of lab.devices) {
    expect(lab.tunnel(device.name).state).toBe('connected');
    expect(Certificate.fromPem(await lab.readFile(device.name, ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate)).fingerprintSha256).toBe(newCa);
  }
}

describe('sftunnel-ca renew (against the lab)', () => {
  let fixture: Awaited<ReturnType<typeof renewableLab>>;
  beforeAll(async () => {
    fixture = await renewableLab(4);
  }, 180_000);
  afterAll(async () => {
    await fixture?.lab.stop();
    if (fixture !== undefined) await rm(fixture.dir, { recursive: true, force: true });
  });

  it('refuses without --yes when there is no terminal (exit 2), changing nothing', async () => {
    const staged = (): Promise<string[]> => readdir(fixture.lab.path(fixture.lab.fmc.name, '/var/tmp/certs'));
    const before = await staged();
    const run = await runInProcess(['renew', ...fixture.ssh, '--devices', await fixture.writeDevicesCsv('devices.csv')], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --yes');
    expect(await staged()).toEqual(before);
  });

  it('asks the vendor’s two confirmations on a terminal, the second after the CA’s expiry, and stops on no (exit 2)', async () => {
    const staged = (): Promise<string[]> => readdir(fixture.lab.path(fixture.lab.fmc.name, '/var/tmp/certs'));
    const before = await staged();
    const run = await runOnTerminal(['renew', ...fixture.ssh, '--devices', join(fixture.dir, 'devices.csv')], 'Do you want to continue? [yes/no]', ['yes', 'no'], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/Do you want to continue\? \[yes\/no\][^]*Current ca_root expired \d+ days ago - at [^]*Do you want to continue\? \[yes\/no\]/);
    expect(run.output).toContain('not confirmed; nothing was changed');
    expect(run.output).not.toContain(fixture.lab.fmc.password);
    expect(await staged()).toEqual(before);
  });

  it('renews every device of the devices.csv with --yes: exit 0, every tunnel up on the new CA, a 0600 journal, no secret printed', async () => {
    const journal = join(fixture.dir, 'renew.journal');
    const run = await runInProcess(['renew', ...fixture.ssh, '--devices', join(fixture.dir, 'devices.csv'), '--yes', '--canary', '1', '--concurrency', '2', '--max-failures', '50%', '--journal', journal, '--json'], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as RenewDocument;
    expectValidDocument('sftunnel-ca/renew/v1', document);
    expect(document.result.counts.renewed).toBe(4);
    expect(run.stderr.split('\n').filter((line) => / renewed /.test(line))).toHaveLength(4);
    expect((await stat(journal)).mode & 0o777).toBe(0o600);
    expect(run.stdout + run.stderr).not.toContain(fixture.lab.fmc.password);
    await expectAllOnNewCa(fixture.lab, document.result.stagingDirectory);
  });
});

describe('sftunnel-ca renew with an unreachable device, then a copy run (against the lab)', () => {
  let fixture: Awaited<ReturnType<typeof renewableLab>>;
  beforeAll(async () => {
    fixture = await renewableLab(3);
  }, 180_000);
  afterAll(async () => {
    await fixture?.lab.stop();
    if (fixture !== undefined) await rm(fixture.dir, { recursive: true, force: true });
  });

  it('preflight refuses the unreachable device (exit 3) unless --allow-unreachable; then exits 1 naming FAILED_PUSH and the copy run, which finishes with exit 0', { timeout: 300_000 }, async () => {
    const unreachable = fixture.lab.devices[2]?.name;
    const wrongPort = await fixture.writeDevicesCsv('wrong-port.csv', (device) => (device.name === unreachable ? 1 : device.sshPort));
    const staged = (): Promise<string[]> => readdir(fixture.lab.path(fixture.lab.fmc.name, '/var/tmp/certs')).catch(() => []);
    const before = await staged();
    const refused = await runInProcess(['renew', ...fixture.ssh, '--devices', wrongPort, '--yes'], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('PREFLIGHT_REFUSED');
    expect(refused.stderr).toMatch(new RegExp(`FAIL device-reachable ${unreachable} .*\\n {6}what to do: bring ${unreachable} back`));
    expect(await staged()).toEqual(before);

    const run = await runInProcess(['renew', ...fixture.ssh, '--devices', wrongPort, '--yes', '--allow-unreachable'], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`WARN device-reachable ${unreachable}`);
    const failedPush = /^FAILED_PUSH: (\S+)/m.exec(run.stdout)?.[1] ?? '';
    const staging = failedPush.replace(/\/FAILED_PUSH$/, '');
    expect(failedPush).toBe(`${staging}/FAILED_PUSH`);
    expect(run.stdout).toContain(`sftunnel-ca copy --fmc ${fixture.ssh[1]} --failed-push ${failedPush} ${wrongPort}`);
    expect(await readdir(fixture.lab.path(fixture.lab.fmc.name, staging))).toContain('FAILED_PUSH');

    const copy = await runInProcess(['renew', ...fixture.ssh, '--devices', await fixture.writeDevicesCsv('devices.csv'), '--yes', '--staging', staging], { env: { ...env, XDG_STATE_HOME: fixture.dir } });
    expect(copy.code, copy.stderr).toBe(0);
    await expectAllOnNewCa(fixture.lab, staging);
  });
});
