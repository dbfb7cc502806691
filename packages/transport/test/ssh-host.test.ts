import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftunnelCaError } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey, generateEncryptedClientKey, startSshd, type Sshd } from './sshd.js';
import { waitFor } from './wait-for.js';
import { TEST_USERS } from './test-users.js';
import { Secret } from '@sftunnel-ca/core';
import { SshHost, type SshHostOptions } from '../src/ssh-host.js';
import type { TransportEvent } from '../src/transport-event.js';

let sshd: Sshd;
let work: string;
let clientKey: string;
let knownHosts: string;
const passphrase = 'k3y-pass/phrase';
let encryptedKey: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sftca-direct-'));
  const key = generateClientKey(work, 'client_key');
  const encrypted = generateEncryptedClientKey(passphrase);
  clientKey = key.privateKey;
  encryptedKey = encrypted.privateKey;
  // Password authentication proper (FTD-style keyboard-interactive is tested in expert-shell.test.ts).
  sshd = await startSshd({
    config: ['KbdInteractiveAuthentication no'],
    authorizedKeys: { root: [key.publicKey], [TEST_USERS.ops.name]: [key.publicKey, encrypted.publicKey] },
  });
  knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Key login as an ordinary user, root through passwordless sudo. */
function sudoOptions(extra: Partial<SshHostOptions> = {}): SshHostOptions {
  return {
    host: sshd.host,
    port: sshd.port,
    username: TEST_USERS.ops.name,
    privateKey: new Secret(clientKey),
    sudo: true,
    strategy: 'direct',
    hostKeys: { knownHostsFiles: [knownHosts] },
    ...extra,
  };
}

describe('SshHost (direct)', () => {
  it('logs in as root with a key and runs commands with exact output and exit status', async () => {
    const host = await SshHost.connect(sudoOptions({ username: 'root', sudo: false }));
    try {
      expect(host.strategy).toBe('direct');
      const result = await host.run('printf "out\\n"; printf err >&2; exit 7');
      expect(result).toEqual({ stdout: 'out\n', stderr: 'err', code: 7 });
      expect((await host.run('id -un')).stdout).toBe('root\n');
      expect((await host.run('cat', { stdin: 'fed through stdin' })).stdout).toBe('fed through stdin');
    } finally {
      await host.close();
    }
  });

  it('logs in with a password as an ordinary user, and refuses the session at connect: it would not be root', async () => {
    const events: TransportEvent[] = [];
    const error = await SshHost.connect({
      onEvent: (event) => events.push(event),
      host: sshd.host,
      port: sshd.port,
      username: TEST_USERS.ops.name,
      password: new Secret(TEST_USERS.ops.password),
      strategy: 'direct',
      hostKeys: { knownHostsFiles: [knownHosts] },
    }).catch((caught: unknown) => caught);
    expect(events.find((event) => event.type === 'authenticated')).toMatchObject({ method: 'password' });
    expect(isSftunnelCaError(error, 'ESCALATION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/strategy direct as sftca-ops is not root: `id -u` printed "\d+", not 0/);
  });

  it('logs in with a passphrase-protected key, and says so when the passphrase is wrong', async () => {
    const host = await SshHost.connect(sudoOptions({ privateKey: new Secret(encryptedKey), passphrase: new Secret(passphrase) }));
    expect((await host.run('id -u')).stdout).toBe('0\n');
    await host.close();
    const error = await SshHost.connect(
      sudoOptions({ privateKey: new Secret(encryptedKey), passphrase: new Secret('wrong') }),
    ).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'AUTH_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/wrong passphrase/);
  });

  it('logs in through ssh-agent (SSH_AUTH_SOCK)', async () => {
    const socket = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(socket));
      execFileSync('ssh-add', ['-q', '-'], { input: clientKey, env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const host = await SshHost.connect(sudoOptions({ privateKey: undefined, agent: socket }));
      expect((await host.run('id -un')).stdout).toBe('root\n');
      await host.close();
    } finally {
      agent.kill();
    }
  });

  it('reaches root through sudo -n when asked', async () => {
    const host = await SshHost.connect({
      host: sshd.host,
      port: sshd.port,
      username: TEST_USERS.ops.name,
      password: new Secret(TEST_USERS.ops.password),
      strategy: 'direct',
      sudo: true,
      hostKeys: { knownHostsFiles: [knownHosts] },
    });
    try {
      expect((await host.run('id -u')).stdout.trim()).toBe('0');
    } finally {
      await host.close();
    }
  });

  it('writeFileAtomic keeps the mode and owner of the file it replaces, and keeps backups', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftca-target-'));
    const target = join(dir, 'sftunnel-cert.pem');
    writeFileSync(target, 'old content\n');
    execFileSync('chmod', ['640', target]);
    chownSync(target, 65534, 65534);
    const host = await SshHost.connect(sudoOptions({ now: () => new Date('2025-03-04T05:06:07Z') }));
    try {
      const first = await host.writeFileAtomic(target, 'new content\n', { backup: true });
      expect(readFileSync(target, 'utf8')).toBe('new content\n');
      const stat = statSync(target);
      expect(stat.mode & 0o7777).toBe(0o640);
      expect([stat.uid, stat.gid]).toEqual([65534, 65534]);
      expect(first.backupPath).toBe(`${target}.backup`);
      expect(readFileSync(`${target}.backup`, 'utf8')).toBe('old content\n');
      expect(statSync(`${target}.backup`).uid).toBe(65534);

      const second = await host.writeFileAtomic(target, 'newer content\n', { backup: true });
      expect(second.backupPath).toBe(`${target}.backup.20250304T050607Z`);
      expect(readFileSync(`${target}.backup`, 'utf8')).toBe('old content\n');
      expect(readFileSync(`${target}.backup.20250304T050607Z`, 'utf8')).toBe('new content\n');

      const fresh = join(dir, 'fresh.pem');
      await host.writeFileAtomic(fresh, 'x', { mode: 0o600, owner: 'nobody', group: 'nogroup' });
      const freshStat = await host.stat(fresh);
      expect(freshStat).toMatchObject({ type: 'file', mode: 0o600, owner: 'nobody', group: 'nogroup', size: 1 });
      expect(readdirSync(dir).filter((name) => name.includes('sftunnel-ca'))).toEqual([]);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads, stats, lists, copies and renames files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftca-files-'));
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    writeFileSync(join(dir, 'a.bin'), bytes);
    const host = await SshHost.connect(sudoOptions());
    try {
      expect(Buffer.from(await host.readFile(join(dir, 'a.bin')))).toEqual(bytes);
      const stat = await host.stat(join(dir, 'a.bin'));
      expect(stat.sha256).toBe(execFileSync('sha256sum', [join(dir, 'a.bin')], { encoding: 'utf8' }).slice(0, 64));
      expect((await host.stat(dir)).type).toBe('directory');
      await host.copy(join(dir, 'a.bin'), join(dir, 'b.bin'));
      await host.rename(join(dir, 'b.bin'), join(dir, '.c bin'));
      expect(await host.list(dir)).toEqual(['.c bin', 'a.bin']);
      expect(await host.exists(join(dir, 'b.bin'))).toBe(false);
      const missing = await host.readFile(join(dir, 'nope')).catch((error: unknown) => error);
      expect(isSftunnelCaError(missing, 'FILE_NOT_FOUND')).toBe(true);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the target byte-identical when the connection is killed mid-transfer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftca-kill-'));
    const target = join(dir, 'cacert.pem');
    writeFileSync(target, 'the original\n');
    const before = readFileSync(target);
    const host = await SshHost.connect(sudoOptions());
    try {
      const write = host.writeFileAtomic(target, Buffer.alloc(64 * 1024 * 1024, 0x41)).catch((error: unknown) => error);
      // Kill the session once the temporary file has started to grow.
      await waitFor(() => {
        const temp = readdirSync(dir).find((name) => name.endsWith('.tmp'));
        return temp !== undefined && statSync(join(dir, temp)).size > 0;
      }, 2);
      sshd.killSessions();
      const error = await write;
      expect(isSftunnelCaError(error, 'CONNECTION_LOST')).toBe(true);
      expect(readFileSync(target).equals(before)).toBe(true);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
