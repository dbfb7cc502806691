import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFailedPush } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { runInProcess } from './run-in-process.js';

/**
 * Issue 20's operator paths through the CLI's commands: a partial inventory, devices left out on
 * purpose, a single-device rollback after the FMC switched, and journals that do not belong to
 * the run — each refused (exit 2) before anything is changed, and before any device is reached.
 */
describe('sftunnel-ca renew, plan and rollback: every managed device covered, journals of the run (against the lab)', () => {
  const fixture = useCliLab({ devices: 4, caState: 'expiring', caDays: 20 });
  const staged = (): Promise<string[]> => readdir(fixture.lab.path(fixture.lab.fmc.name, '/var/tmp/certs')).catch(() => []);

  it('refuses a renewal whose inventory misses managed devices (exit 2), naming each, before any device is reached', async () => {
    const { lab } = fixture;
    const [first, ...rest] = lab.devices;
    // The row's port is closed: had preflight dialled it, the run would end in exit 3 (CONNECT_REFUSED), not 2.
    const csv = await fixture.writeDevicesCsv('one.csv', [first!], { port: () => 1 });
    const before = await staged();
    const run = await runInProcess(['renew', ...fixture.sshKnownHosts, '--devices', csv, '--yes'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('RENEWAL_COVERAGE_INCOMPLETE');
    for (const device of rest) expect(run.stderr).toContain(device.name);
    expect(run.stderr).toContain('--leave-out');
    expect(await staged()).toEqual(before);

    // plan says the same as a warning, and shows it in the plan.
    const plan = await runInProcess(['plan', ...fixture.sshKnownHosts, '--devices', csv], { env: fixture.env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/warning: RENEWAL_COVERAGE_INCOMPLETE: 3 device\(s\)/);
    const notCovered = /NOT COVERED: 3 device\(s\) the FMC manages get no new files: (.*)/.exec(plan.stdout)?.[1];
    expect(notCovered?.split(', ').sort()).toEqual(rest.map((d) => d.name).sort());
  });

  it('renews with devices left out on purpose (exit 0): they are in FAILED_PUSH, and the summary says they drop until copied', async () => {
    const { lab } = fixture;
    const [first, ...rest] = lab.devices;
    const csv = await fixture.writeDevicesCsv('first.csv', [first!]);
    const journal = join(fixture.dir, 'leave-out.journal');
    const run = await runInProcess(['renew', ...fixture.sshKnownHosts, '--devices', csv, '--leave-out', rest.map((d) => d.name).join(','), '--journal', journal, '--yes'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    expect(/LEFT OUT on purpose: (.*?)\. /.exec(run.stdout)?.[1]?.split(', ').sort()).toEqual(rest.map((d) => d.name).sort());
    const failedPushPath = /FAILED_PUSH: (\S+) lists/.exec(run.stdout)?.[1];
    expect(failedPushPath).toBeDefined();
    const failedPush = parseFailedPush(await lab.readFile(lab.fmc.name, failedPushPath!), { fmcUuid: lab.fmc.uuid, layout: lab.layout });
    expect(failedPush.devices.map((d) => d.name).sort()).toEqual(rest.map((d) => d.name).sort());
    expect(lab.tunnel(first!.name).state).toBe('connected');

    // Rolling back that one device alone would strand it on the old CA: refused, nothing changed.
    const held = await lab.readFile(first!.name, `/var/sf/peers/${lab.fmc.uuid}/cacert.pem`);
    const all = await fixture.writeDevicesCsv('all.csv', lab.devices);
    const rollback = await runInProcess(['rollback', first!.name, ...fixture.sshKnownHosts, '--devices', all, '--journal', journal, '--yes'], { env: fixture.env });
    expect(rollback.code, rollback.stderr).toBe(2);
    expect(rollback.stderr).toContain('ROLLBACK_WOULD_STRAND');
    expect(rollback.stderr).toContain('--force');
    expect(await lab.readFile(first!.name, `/var/sf/peers/${lab.fmc.uuid}/cacert.pem`)).toBe(held);
  });

  it('refuses a journal that is a directory, or of another run, before connecting; one of another FMC before any device', async () => {
    const { lab } = fixture;
    const csv = join(fixture.dir, 'all.csv');
    // An FMC port that nothing listens on: a connection attempt would fail with exit 1, not 2.
    const unreachableFmc = ['--fmc', `${lab.fmc.username}@${lab.fmc.address}:1`, '--password-file', fixture.passwordFile, '--known-hosts', fixture.knownHosts];
    const directory = join(fixture.dir, 'journal-directory');
    await mkdir(directory, { mode: 0o700 });
    for (const command of ['renew', 'rollback']) {
      const run = await runInProcess([command, ...unreachableFmc, '--devices', csv, '--journal', directory, '--yes'], { env: fixture.env });
      expect(run.code, `${command}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain('JOURNAL_INVALID');
      expect(run.stderr).toContain('not a regular file');
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    const other = await runInProcess(['renew', ...unreachableFmc, '--devices', csv, '--journal', join(fixture.dir, 'leave-out.journal'), '--staging', '/var/tmp/certs/1000000000', '--yes'], { env: fixture.env });
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toContain('belongs to the run staged in');

    // A journal of another FMC: refused once the FMC's UUID is known, before any device is reached or anything changed.
    const foreign = join(fixture.dir, 'foreign.journal');
    await writeFile(foreign, `${JSON.stringify({ type: 'start', at: new Date().toISOString(), fmcUuid: '00000000-0000-4000-8000-000000000000', stagingDirectory: '/var/tmp/certs/1000000000' })}\n`, { mode: 0o600 });
    const before = await staged();
    const foreignRun = await runInProcess(['rollback', ...fixture.sshKnownHosts, '--devices', csv, '--journal', foreign, '--yes'], { env: fixture.env });
    expect(foreignRun.code, foreignRun.stderr).toBe(2);
    expect(foreignRun.stderr).toContain('JOURNAL_OTHER_FMC');
    expect(foreignRun.stderr).toContain('is the journal of a run on FMC 00000000-0000-4000-8000-000000000000');
    expect(await staged()).toEqual(before);
  });

  it('verify checks the FMC’s InternalCA key against its CA: ok after the renewal, FAIL (exit 1) when another key stands there', async () => {
    const { lab } = fixture;
    const csv = join(fixture.dir, 'all.csv');
    const ok = await runInProcess(['verify', ...fixture.sshKnownHosts, '--devices', csv, '--json'], { env: fixture.env });
    const document = JSON.parse(ok.stdout) as { caKey: { path: string; state: string } };
    expect(document.caKey).toEqual({ path: lab.layout.fmc.caKey, state: 'matches' });
    const keyPath = lab.path(lab.fmc.name, lab.layout.fmc.caKey);
    const key = await readFile(keyPath, 'utf8');
    try {
      await writeFile(keyPath, await lab.readFile(lab.fmc.name, lab.layout.fmc.sftunnelKey), { mode: 0o600 });
      const bad = await runInProcess(['verify', ...fixture.sshKnownHosts, '--devices', csv], { env: fixture.env });
      expect(bad.code, bad.stderr).toBe(1);
      expect(bad.stdout).toContain(`FMC CA key ${lab.layout.fmc.caKey}: FAIL: not the live InternalCA’s key (FMC_CA_KEY_MISMATCH)`);
    } finally {
      await writeFile(keyPath, key, { mode: 0o600 });
    }
  });
});
