import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FTD_LIKE_LOGIN, useSshd } from './use-sshd.js';
import { waitFor } from './wait-for.js';
import { SshHost, type SshHostOptions } from '../src/ssh-host.js';
import type { TransportEvent } from '../src/transport-event.js';

const server = useSshd({ config: FTD_LIKE_LOGIN });
const expertOptions = (extra: Partial<SshHostOptions> = {}): SshHostOptions => server.expertOptions({ name: 'ftd-scratch', retry: { attempts: 1 }, ...extra });

/** Mode bits of a path and of every entry under it (lstat: links are not followed). */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = { '.': (lstatSync(dir).mode & 0o7777).toString(8) };
  for (const name of readdirSync(dir)) modes[name] = (lstatSync(join(dir, name)).mode & 0o7777).toString(8);
  return modes;
}

/** A process's ancestors, nearest first, with their command names (read from /proc). */
function ancestorsOf(pid: number): Array<{ pid: number; comm: string }> {
  const found: Array<{ pid: number; comm: string }> = [];
  for (let current = pid; current > 1; ) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${current}/stat`, 'utf8');
    } catch {
      break;
    }
    current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (current > 1) found.push({ pid: current, comm: readFileSync(`/proc/${current}/comm`, 'utf8').trim() });
  }
  return found;
}

/** Whether an `sshd` process is among the ancestors of a process. */
function sshdAmongAncestors(pid: number): boolean {
  return ancestorsOf(pid).some((ancestor) => ancestor.comm.startsWith('sshd'));
}

/**
 * Drops the SSH connection a process runs under, as a network failure would: SIGKILL to its
 * session's sshd processes (not the listener). One killed, the other may exit on its own before it
 * is reached (ESRCH: gone already, which is the point).
 */
function dropConnectionOf(pid: number): void {
  const sshds = ancestorsOf(pid).filter((ancestor) => ancestor.comm.startsWith('sshd'));
  for (const session of sshds.slice(0, -1)) {
    try {
      process.kill(session.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** The start time of a running process (field 22 of /proc/PID/stat), as the session records it. */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

describe('session scratch space (expert shell)', () => {
  it('is a 0700 directory of 0600 files, while commands keep umask 022 and written files their modes', async () => {
    const host = await SshHost.connect(expertOptions());
    const peer = mkdtempSync(join(server.work, 'peer-'));
    try {
      // The input is in the scratch space, 0600, while its command runs, and gone once it has run, whatever its status.
      const batch = 'staged batch of device keys\n'.repeat(4000);
      expect((await host.run('cat > /dev/null; stat -c %a "$__sftca_d/in"; echo read', { stdin: batch })).stdout).toBe('600\nread\n');
      const scratch = (await host.run('printf %s "$__sftca_d"')).stdout;
      expect(scratch).toMatch(/^\/tmp\/\.sftunnel-ca\.[A-Za-z0-9]{8}$/);
      expect(statSync(scratch).uid).toBe(0);
      expect(modesUnder(scratch)).toEqual({ '.': '700', err: '600', rc: '600', owner: '600' });
      expect((await host.run('cat > /dev/null; exit 7', { stdin: batch })).code).toBe(7);
      expect(Object.keys(modesUnder(scratch))).not.toContain('in');

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

  it('left by a dropped connection, is gone by the end of the next login, and so is the root shell', async () => {
    const parent = mkdtempSync(join(server.work, 'tmp-'));
    const dropped = await SshHost.connect(expertOptions({ scratchParent: parent }));
    await dropped.run('cat > /dev/null', { stdin: 'the last command\'s standard input\n' });
    const scratch = (await dropped.run('printf %s "$__sftca_d"')).stdout;
    const shell = Number(readFileSync(join(scratch, 'owner'), 'utf8').split(' ')[0]);
    expect(modesUnder(scratch)).toEqual({ '.': '700', err: '600', rc: '600', owner: '600' });
    dropConnectionOf(shell);
    await waitFor(() => !existsSync(`/proc/${shell}`) || !sshdAmongAncestors(shell));

    // Either the hang-up reached the root shell, whose trap removed the directory, or (sudo's use_pty
    // relays it or not) the shell lives on cut off from sshd and the next login removes the directory.
    const next = await SshHost.connect(expertOptions({ scratchParent: parent }));
    await next.close();
    expect(existsSync(scratch)).toBe(false);
    expect(next.staleScratch.failed).toEqual([]);
    expect(next.staleScratch.removed.filter((path) => path !== scratch)).toEqual([]);
    await waitFor(() => !existsSync(`/proc/${shell}`));
    await dropped.close();
  });

  it('removes stale directories of ours at the next login and reports them; keeps live sessions, other owners and links', async () => {
    const parent = mkdtempSync(join(server.work, 'tmp-'));
    // A session still connected (idle for hours makes no difference).
    const concurrent = await SshHost.connect(expertOptions({ scratchParent: parent }));
    const live = (await concurrent.run('printf %s "$__sftca_d"')).stdout;
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
    backdate(live, 7200);
    // A fresh directory without a record (a session in its first instant, or an earlier version's).
    const fresh = make('.sftunnel-ca.Fresh001', { in: '' });
    // Not root's, a link, and names that are not ours.
    const foreign = make('.sftunnel-ca.Nobody01', { owner: `${process.pid} 1\n` });
    chownSync(foreign, 65534, 65534);
    const target = make('link-target', { in: 'kept\n' });
    symlinkSync(target, join(parent, '.sftunnel-ca.Link0001'));
    const lock = make('.sftunnel-ca.lock', {});
    backdate(lock, 7200);
    // A root shell of ours that outlived its connection (sudo's use_pty): running, no sshd among its ancestors.
    const stray = Number(execFileSync('sh', ['-c', 'sleep 600 >/dev/null 2>&1 & echo $!']).toString().trim());
    expect(sshdAmongAncestors(stray)).toBe(false);
    const orphaned = make('.sftunnel-ca.Orphan01', { owner: `${stray} ${startTimeOf(stray)}\n`, in: 'staged batch\n' });

    const events: TransportEvent[] = [];
    const host = await SshHost.connect(expertOptions({ scratchParent: parent, onEvent: (event) => events.push(event) }));
    try {
      const own = (await host.run('printf %s "$__sftca_d"')).stdout;
      expect(own.startsWith(`${parent}/.sftunnel-ca.`)).toBe(true);
      const removed = [deadOwner, legacy, orphaned].sort();
      expect(host.staleScratch).toEqual({ removed, failed: [] });
      expect(events.filter((event) => event.type === 'stale-scratch')).toEqual([{ type: 'stale-scratch', host: 'ftd-scratch', removed, failed: [] }]);
      for (const gone of removed) expect(existsSync(gone)).toBe(false);
      // The orphan was hung up.
      await waitFor(() => !existsSync(`/proc/${stray}`) || readFileSync(`/proc/${stray}/stat`, 'utf8').includes(') Z '));
      for (const kept of [live, fresh, foreign, target, join(parent, '.sftunnel-ca.Link0001'), lock, own]) expect(existsSync(kept)).toBe(true);
      expect((await concurrent.run('echo still working')).stdout).toBe('still working\n');
      expect(readFileSync(join(target, 'in'), 'utf8')).toBe('kept\n');
      // Its own directory has an owner record naming its root shell.
      const [pid = '', start = ''] = readFileSync(join(own, 'owner'), 'utf8').trim().split(' ');
      expect(start).toBe(startTimeOf(Number(pid)));
    } finally {
      await host.close();
      await concurrent.close();
      try {
        process.kill(stray, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
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
