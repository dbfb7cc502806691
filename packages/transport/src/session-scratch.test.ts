import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from '../test/sshd.js';
import { TEST_USERS } from '../test/test-users.js';
import { waitFor } from '../test/wait-for.js';
import { SshHost, type SshHostOptions } from './ssh-host.js';
import type { TransportEvent } from './transport-event.js';

let sshd: Sshd;
let work: string;
let knownHosts: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sftca-scratch-'));
  sshd = await startSshd({ config: ['PasswordAuthentication no', 'KbdInteractiveAuthentication yes'] });
  knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

function expertOptions(extra: Partial<SshHostOptions> = {}): SshHostOptions {
  return {
    name: 'ftd-scratch',
    host: sshd.host,
    port: sshd.port,
    username: TEST_USERS.admin.name,
    password: new Secret(TEST_USERS.admin.password),
    strategy: 'expert',
    hostKeys: { knownHostsFiles: [knownHosts] },
    retry: { attempts: 1 },
    ...extra,
  };
}

/** Mode bits of a path and of every entry under it (lstat: links are not followed). */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = { '.': (lstatSync(dir).mode & 0o7777).toString(8) };
  for (const name of readdirSync(dir)) modes[name] = (lstatSync(join(dir, name)).mode & 0o7777).toString(8);
  return modes;
}

/** The start time of a running process (field 22 of /proc/PID/stat), as the session records it. */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

describe('session scratch space (expert shell)', () => {
  it('is a 0700 directory of 0600 files, while commands keep umask 022 and written files their modes', async () => {
    const host = await SshHost.connect(expertOptions());
    const peer = mkdtempSync(join(work, 'peer-'));
    try {
      expect((await host.run('cat > /dev/null; echo read', { stdin: 'staged batch of device keys\n'.repeat(4000) })).stdout).toBe('read\n');
      const scratch = (await host.run('printf %s "$__sftca_d"')).stdout;
      expect(scratch).toMatch(/^\/tmp\/\.sftunnel-ca\.[A-Za-z0-9]{8}$/);
      expect(statSync(scratch).uid).toBe(0);
      const modes = modesUnder(scratch);
      expect(modes['.']).toBe('700');
      expect(Object.keys(modes)).toContain('in');
      expect(Object.entries(modes).filter(([name, mode]) => name !== '.' && mode !== '600')).toEqual([]);

      // What the appliance's own commands create is as before: the session's umask stays private to the scratch space.
      expect((await host.run('umask')).stdout).toBe('0022\n');
      expect((await host.run(`echo made > ${join(peer, 'by-command')}`)).code).toBe(0);
      await host.writeFileAtomic(join(peer, 'new.pem'), 'new file, no mode asked\n');
      writeFileSync(join(peer, 'cacert.pem'), 'old\n', { mode: 0o644 });
      await host.writeFileAtomic(join(peer, 'cacert.pem'), 'replaced\n', { backup: true });
      await host.writeFileAtomic(join(peer, 'sftunnel-key.pem'), 'key\n', { mode: 0o600 });
      expect(modesUnder(peer)).toEqual({ '.': '700', 'by-command': '644', 'new.pem': '644', 'cacert.pem': '644', 'cacert.pem.backup': '644', 'sftunnel-key.pem': '600' });

      await host.close();
      expect(existsSync(scratch)).toBe(false);
    } finally {
      await host.close();
    }
  });

  it('is removed by the appliance when the connection drops', async () => {
    const host = await SshHost.connect(expertOptions());
    await host.run('cat > /dev/null', { stdin: 'the last command\'s standard input\n' });
    const scratch = (await host.run('printf %s "$__sftca_d"')).stdout;
    expect(existsSync(join(scratch, 'in'))).toBe(true);
    sshd.killSessions();
    // The root shell gets SIGHUP when its terminal goes; its trap removes the directory.
    await waitFor(() => !existsSync(scratch));
    await host.close();
  });

  it('removes stale directories of ours at the next login and reports them; keeps live sessions, other owners and links', async () => {
    const parent = mkdtempSync(join(work, 'tmp-'));
    const make = (name: string, files: Record<string, string>, mode = 0o700): string => {
      const dir = join(parent, name);
      mkdirSync(dir, { mode });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text, { mode: 0o644 });
      return dir;
    };
    const backdate = (dir: string, seconds: number): void => {
      const then = new Date(Date.now() - seconds * 1000);
      for (const name of readdirSync(dir)) utimesSync(join(dir, name), then, then);
      utimesSync(dir, then, then);
    };
    // A session whose root shell is gone: its record names a process that is not the one that ran it.
    const deadOwner = make('.sftunnel-ca.Dead0001', { owner: `${process.pid} 1\n`, in: 'staged batch\n', err: '', rc: '0\n' });
    // A directory of an earlier version (no owner record), idle for two hours, its input 0644.
    const legacy = make('.sftunnel-ca.Legacy01', { in: 'new sftunnel-key.pem\n', err: '', rc: '0\n' });
    backdate(legacy, 7200);
    // A live session (its owner record names a running process, this one), and a fresh one without a record.
    const live = make('.sftunnel-ca.Live0001', { owner: `${process.pid} ${startTimeOf(process.pid)}\n`, in: '' });
    backdate(live, 7200);
    const fresh = make('.sftunnel-ca.Fresh001', { in: '' });
    // Not root's, a link, and names that are not ours.
    const foreign = make('.sftunnel-ca.Nobody01', { owner: `${process.pid} 1\n` });
    chownSync(foreign, 65534, 65534);
    const target = make('link-target', { in: 'kept\n' });
    symlinkSync(target, join(parent, '.sftunnel-ca.Link0001'));
    const lock = make('.sftunnel-ca.lock', {});
    backdate(lock, 7200);

    const events: TransportEvent[] = [];
    const host = await SshHost.connect(expertOptions({ scratchParent: parent, onEvent: (event) => events.push(event) }));
    try {
      const own = (await host.run('printf %s "$__sftca_d"')).stdout;
      expect(own.startsWith(`${parent}/.sftunnel-ca.`)).toBe(true);
      expect(host.staleScratch).toEqual({ removed: [deadOwner, legacy].sort(), failed: [] });
      expect(events.filter((event) => event.type === 'stale-scratch')).toEqual([
        { type: 'stale-scratch', host: 'ftd-scratch', removed: [deadOwner, legacy].sort(), failed: [] },
      ]);
      for (const gone of [deadOwner, legacy]) expect(existsSync(gone)).toBe(false);
      for (const kept of [live, fresh, foreign, target, join(parent, '.sftunnel-ca.Link0001'), lock, own]) expect(existsSync(kept)).toBe(true);
      expect(readFileSync(join(target, 'in'), 'utf8')).toBe('kept\n');
      // Its own directory has an owner record naming its root shell.
      const [pid = '', start = ''] = readFileSync(join(own, 'owner'), 'utf8').trim().split(' ');
      expect(start).toBe(startTimeOf(Number(pid)));
    } finally {
      await host.close();
    }

    // Nothing stale: no event, an empty report.
    const quiet: TransportEvent[] = [];
    const again = await SshHost.connect(expertOptions({ scratchParent: parent, onEvent: (event) => quiet.push(event) }));
    await again.close();
    expect(again.staleScratch).toEqual({ removed: [], failed: [] });
    expect(quiet.filter((event) => event.type === 'stale-scratch')).toEqual([]);
  });

  it('refuses a scratch parent that is not an absolute path of plain characters', async () => {
    for (const scratchParent of ['tmp', '/tmp/a b', "/tmp/'x", '/tmp/\n']) {
      await expect(SshHost.connect(expertOptions({ scratchParent }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});
