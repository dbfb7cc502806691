import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_AMBIENT_CREDENTIALS, useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';
import { runBinaryInterrupted } from './run-interrupted.js';

describe('Ctrl-C during renew (built binary against the lab)', () => {
  const fixture = useCliLab({ devices: 6, caState: 'expired', tunnels: { down: [0] } });
  let state: string;
  beforeAll(async () => {
    state = await mkdtemp(join(tmpdir(), 'sftunnel-ca-state-'));
  });
  afterAll(() => rm(state, { recursive: true, force: true }));

  it('stops starting devices, leaves the FMC unswitched, exits 4 and prints the command that resumes; that command finishes the renewal', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const env = { ...NO_AMBIENT_CREDENTIALS, XDG_STATE_HOME: state };
    const devices = await writeDevicesCsv('devices.csv', lab.devices);
    const liveCa = async (): Promise<string> => Certificate.fromPem(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).fingerprintSha256;
    const oldCa = await liveCa();
    const run = await runBinaryInterrupted(['renew', ...sshKnownHosts, '--devices', devices, '--yes', '--concurrency', '1'], /^renew: delivering to 6 devices/m, { env });
    expect(run.interrupted).toBe(true);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('RUN_INTERRUPTED');
    expect(await liveCa()).toBe(oldCa);
    const resume = /^ {4}(sftunnel-ca renew .*)$/m.exec(run.stderr)?.[1] ?? '';
    expect(resume).toMatch(/--staging \/var\/tmp\/certs\/\d+ --journal \S+\.journal$/);
    const journal = /--journal (\S+)$/.exec(resume)?.[1] ?? '';
    expect(journal.startsWith(join(state, 'sftunnel-ca', 'journals'))).toBe(true);
    expect(await readFile(journal, 'utf8')).not.toContain(lab.fmc.password);

    // What was prepared can be shown before resuming: each device's old → new certificate.
    const staging = /--staging (\S+)/.exec(resume)?.[1] ?? '';
    const plan = await runInProcess(['plan', ...sshKnownHosts, '--staging', staging, '--json'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const diff = (JSON.parse(plan.stdout) as { diff: { devices: Array<{ certificate: { from: { fingerprintSha256: string }; to: { fingerprintSha256: string } } }> } }).diff;
    expectValidDocument('sftunnel-ca/plan/v2', JSON.parse(plan.stdout));
    expect(diff.devices).toHaveLength(6);
    for (const device of diff.devices) expect(device.certificate.to.fingerprintSha256).not.toBe(device.certificate.from.fingerprintSha256);

    const resumed = await runInProcess(resume.split(' ').slice(1), { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const newCa = await liveCa();
    expect(newCa).not.toBe(oldCa);
    for (const device of lab.devices) {
      expect(Certificate.fromPem(await lab.readFile(device.name, ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate)).fingerprintSha256).toBe(newCa);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
  });
});

describe('Ctrl-C during the demo (built binary)', () => {
  it('stops its lab, removes its files and exits 4', { timeout: 300_000 }, async () => {
    const temp = await mkdtemp(join(tmpdir(), 'sftunnel-ca-demo-'));
    try {
      const run = await runBinaryInterrupted(['demo', '--devices', '6', '--down', '1', '--concurrency', '1'], /^renew: delivering to/m, { env: { TMPDIR: temp, SSH_AUTH_SOCK: '' } });
      expect(run.interrupted).toBe(true);
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain('its lab is stopped and its files removed');
      expect(run.stderr).toContain('lab: stopped');
      expect(await readdir(temp)).toEqual([]);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  });
});
