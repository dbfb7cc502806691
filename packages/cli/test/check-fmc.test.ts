import { startLab, type Lab } from '@sftunnel-ca/lab';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';

describe('sftunnel-ca check --fmc (against the lab)', () => {
  let lab: Lab;
  let dir: string;
  let target: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    lab = await startLab({ devices: 2, caState: 'expired', caDays: 7 });
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-cli-'));
    target = `${lab.fmc.username}@${lab.fmc.address}:${lab.fmc.sshPort}`;
    env = { SFTUNNEL_CA_PASSWORD: lab.fmc.password, SSH_AUTH_SOCK: '' };
  });
  afterAll(async () => {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the CA that sftunnel.conf names, through the CLI → expert → sudo su shell, and exits 6 when it has expired', async () => {
    const run = await runInProcess(['check', '--fmc', target, '--host-key', lab.fmc.hostKeyFingerprint, '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(6);
    expect(JSON.parse(run.stdout)).toMatchObject({ source: { fmc: target }, verdict: 'expired', days: 7, healthAlert: 'error' });
    expect(run.stdout).toContain(`CN=${lab.fmc.uuid}`);
  });

  it('refuses an unknown host key by default, and records it with --accept-new-host-key', async () => {
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, '', { mode: 0o600 });
    const refused = await runInProcess(['check', '--fmc', target, '--known-hosts', knownHosts], { env });
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain('HOST_KEY_UNKNOWN');
    const accepted = await runInProcess(['check', '--fmc', target, '--known-hosts', knownHosts, '--accept-new-host-key'], { env });
    expect(accepted.code).toBe(6);
    expect(accepted.stdout).toContain('The certificate has expired 7 days ago.');
    expect(await readFile(knownHosts, 'utf8')).toContain(lab.fmc.hostPublicKey.split(' ')[1]);
    const again = await runInProcess(['check', '--fmc', target, '--known-hosts', knownHosts], { env });
    expect(again.code).toBe(6);
  });

  it('takes the password from a 0600 file, refuses a file others can read, and never prints the password', async () => {
    // Refused on its mode alone, before it is read: it holds a decoy (the suite's secret audit allows no real password in a loose file).
    const loose = join(dir, 'loose-password');
    const decoy = 'decoy-password-in-a-loose-file';
    await writeFile(loose, `${decoy}\n`, { mode: 0o644 });
    const refused = await runInProcess(['check', '--fmc', target, '--host-key', lab.fmc.hostKeyFingerprint, '--password-file', loose], { env: { SSH_AUTH_SOCK: '' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('chmod 600');
    const tight = join(dir, 'password');
    await writeFile(tight, `${lab.fmc.password}\n`, { mode: 0o600 });
    const run = await runInProcess(['check', '--fmc', target, '--host-key', lab.fmc.hostKeyFingerprint, '--password-file', tight], { env: { SSH_AUTH_SOCK: '' } });
    expect(run.code).toBe(6);
    expect(refused.stdout + refused.stderr).not.toContain(decoy);
    expect(run.stdout + run.stderr).not.toContain(lab.fmc.password);
  });

  it('without credentials and without a terminal, says how to give them', async () => {
    const run = await runInProcess(['check', '--fmc', target, '--host-key', lab.fmc.hostKeyFingerprint], { env: { SFTUNNEL_CA_PASSWORD: undefined, SSH_AUTH_SOCK: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no credentials');
    expect(run.stderr).toContain('--password-file');
  });
});
