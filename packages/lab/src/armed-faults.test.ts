import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strikeArmed, type ApplianceFaults } from './faults.js';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('armed faults: strikeArmed', () => {
  const armed: ApplianceFaults = { latencyMs: 5, armed: { when: { event: 'write', path: /\.backup$/, timing: 'before', skip: 1 }, faults: { diskFull: true } } };

  it('lets `skip` matching events pass, then merges the faults in and disarms', () => {
    const before = { event: 'write', path: '/var/sf/a.pem.backup', timing: 'before' } as const;
    expect(strikeArmed(armed, 0, { event: 'connection' })).toEqual({ faults: undefined, seen: 0 });
    expect(strikeArmed(armed, 0, { ...before, timing: 'after' })).toEqual({ faults: undefined, seen: 0 });
    expect(strikeArmed(armed, 0, { ...before, path: '/var/sf/a.pem' })).toEqual({ faults: undefined, seen: 0 });
    expect(strikeArmed(armed, 0, before)).toEqual({ faults: undefined, seen: 1 });
    expect(strikeArmed(armed, 1, before)).toEqual({ faults: { latencyMs: 5, diskFull: true }, seen: 0 });
  });
});

describe('armed faults on a running lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: [{ name: 'next-session' }, { name: 'mid-write' }, { name: 'cut' }, { name: 'own-restart' }], direct: true });
  }, 60_000);
  afterAll(() => lab.stop());

  it('connection: wrong credentials armed for the next session leave the open one working and refuse the next login', async () => {
    await lab.setFaults('next-session', { armed: { when: { event: 'connection', skip: 1 }, faults: { wrongCredentials: true } } });
    const first = await connectClient(lab.appliance('next-session'), { username: 'root' });
    await expect(connectClient(lab.appliance('next-session'), { username: 'root' })).rejects.toMatchObject({ level: 'client-authentication' });
    expect((await execOn(first, 'echo still here')).stdout).toBe('still here\n');
    first.end();
  });

  it('write: a full disk armed after one file is renamed into place fails the next write, not the rename', async () => {
    await lab.setFaults('mid-write', { armed: { when: { event: 'write', path: /^\/var\/sf\/first$/, timing: 'after' }, faults: { diskFull: true } } });
    const client = await connectClient(lab.appliance('mid-write'), { username: 'root' });
    const run = await execOn(client, 'echo one > /tmp/t1 && mv /tmp/t1 /var/sf/first && echo rc=$?; echo two > /var/sf/second; echo rc=$?');
    expect(run.stdout).toBe('rc=0\nrc=1\n');
    expect(run.stderr).toContain('No space left on device');
    expect(await lab.readFile('mid-write', '/var/sf/first')).toBe('one\n');
    client.end();
  });

  it('unreachable, striking mid-session, cuts the open connection and refuses new ones', async () => {
    await lab.setFaults('cut', { armed: { when: { event: 'write', path: /^\/tmp\/go$/, timing: 'before' }, faults: { unreachable: true } } });
    const client = await connectClient(lab.appliance('cut'), { username: 'root' });
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const outcome = await execOn(client, 'echo > /tmp/go; echo done').catch((error: unknown) => error);
    await closed;
    expect(outcome).not.toMatchObject({ stdout: 'done\n' });
    await expect(connectClient(lab.appliance('cut'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reconnectsOnlyWhenRestarted: the FMC restart leaves the tunnel down until the device restarts its own sftunnel', async () => {
    await lab.setFaults('own-restart', { reconnectsOnlyWhenRestarted: true });
    await lab.restartTunnel(lab.fmc.name);
    expect(lab.tunnel('own-restart').state).toBe('disconnected');
    expect(lab.tunnel('next-session').state).toBe('connected');
    await lab.restartTunnel('own-restart');
    expect(lab.tunnel('own-restart').state).toBe('connected');
  });
});
