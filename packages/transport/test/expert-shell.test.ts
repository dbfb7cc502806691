import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftunnelCaError } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_USERS } from './test-users.js';
import { FTD_LIKE_LOGIN, useSshd } from './use-sshd.js';
import { Secret } from '@sftunnel-ca/core';
import { SshHost, type SshHostOptions } from '../src/ssh-host.js';
import type { TransportEvent } from '../src/transport-event.js';

// Like an FTD: the password is asked by keyboard-interactive only.
const server = useSshd({ config: FTD_LIKE_LOGIN });
const adminOptions = server.expertOptions;

describe('SshHost (expert)', () => {
  let host: SshHost;
  const events: TransportEvent[] = [];

  beforeAll(async () => {
    host = await SshHost.connect(adminOptions({ onEvent: (event) => events.push(event) }));
  });
  afterAll(async () => {
    await host?.close();
  });

  it('goes CLI → expert → sudo su → root, reporting the banner and each step', () => {
    expect(host.strategy).toBe('expert');
    const banner = events.find((event) => event.type === 'banner');
    expect(banner).toMatchObject({ text: expect.stringContaining('Cisco Firepower Threat Defense') });
    const steps = events.flatMap((event) => (event.type === 'escalation' ? [event.state] : []));
    expect(steps).toEqual(['expert', 'sudo', 'password', 'pinning', 'root']);
    expect(events.find((event) => event.type === 'authenticated')).toMatchObject({ method: 'keyboard-interactive' });
  });

  it('runs commands as root with exact output and exit status, whatever the output looks like', async () => {
    expect(await host.run('id -un')).toEqual({ stdout: 'root\n', stderr: '', code: 0 });
    const tricky = [
      'SFTCA0123456789abcdef:1:E:0',
      "root@firepower:/home/admin# ",
      '> ',
      'admin@firepower:~$ ',
      '[sudo] password for admin: ',
      '\x1b[01;31mred\x1b[0m',
      'no newline at the end',
    ].join('\n');
    const result = await host.run(`printf '%s' "$1"; echo oops >&2; exit 42`.replace('"$1"', `'${tricky.replaceAll("'", "'\\''")}'`));
    expect(result).toEqual({ stdout: tricky, stderr: 'oops\n', code: 42 });
    expect(await host.run('exit 3')).toEqual({ stdout: '', stderr: '', code: 3 });
    expect((await host.run("cat; printf '%s' \"$PAGER $LC_ALL\"", { stdin: 'in\n' })).stdout).toBe('in\ncat C');
    expect((await host.run('echo "unbalanced')).code).not.toBe(0);
    expect((await host.run('echo still alive')).stdout).toBe('still alive\n');
  });

  it('gives a command its standard input exactly, 0600 while it runs and gone after; runs nothing when the input cannot be written', async () => {
    // Small inputs travel in the command's own frame, larger ones in chunks first: both, and empty.
    for (const input of ['key\n', '', 'x'.repeat(48 * 1024), 'y'.repeat(48 * 1024 + 1)]) {
      const result = await host.run('stat -c %a "$__sftca_d/in"; cat; exit 9', { stdin: input });
      expect({ stderr: result.stderr, code: result.code }).toEqual({ stderr: '', code: 9 });
      expect(result.stdout === `600\n${input}`, `the input of ${input.length} bytes, as the command read it`).toBe(true);
      expect((await host.run('[ -e "$__sftca_d/in" ] && echo left || echo gone')).stdout).toBe('gone\n');
    }
    // The input's place cannot be written (a directory stands there): the command never runs.
    await host.run('mkdir "$__sftca_d/in"');
    try {
      for (const input of ['key\n', 'y'.repeat(48 * 1024 + 1)]) {
        const refused = await host.run('echo ran', { stdin: input });
        expect(refused.code, input.slice(0, 10)).not.toBe(0);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toContain('Is a directory');
      }
    } finally {
      await host.run('rmdir "$__sftca_d/in"');
    }
    expect((await host.run('cat', { stdin: 'after\n' })).stdout).toBe('after\n');
  });

  it('writes a root:root 0644 file atomically and reads it back byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftca-peer-'));
    const target = join(dir, 'cacert.pem');
    writeFileSync(target, 'old ca\n', { mode: 0o644 });
    const data = Buffer.concat([Buffer.from('-----BEGIN CERTIFICATE-----\n'), Buffer.alloc(200_000, 7), Buffer.from([0, 255, 13, 10])]);
    try {
      const result = await host.writeFileAtomic(target, data, { backup: true });
      expect(readFileSync(target).equals(data)).toBe(true);
      const stat = statSync(target);
      expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([0, 0, 0o644]);
      expect(result.backupPath).toBe(`${target}.backup`);
      expect(Buffer.from(await host.readFile(target)).equals(data)).toBe(true);
      expect(await host.stat(target)).toMatchObject({ owner: 'root', group: 'root', mode: 0o644, size: data.length, sha256: result.sha256 });
      expect(readdirSync(dir).sort()).toEqual(['cacert.pem', 'cacert.pem.backup']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong sudo password with ESCALATION_FAILED and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftca-wrongpw-'));
    const target = join(dir, 'sftunnel-cert.pem');
    writeFileSync(target, 'untouched\n');
    try {
      const error = await SshHost.connect(adminOptions({ sudoPassword: new Secret('not-the-password') }))
        .then((reached) => reached.writeFileAtomic(target, 'replaced\n'))
        .catch((caught: unknown) => caught);
      expect(isSftunnelCaError(error, 'ESCALATION_FAILED')).toBe(true);
      expect((error as Error).message).toMatch(/sudo rejected the password/);
      expect(error).toMatchObject({ host: 'ftd-lab', step: 'escalate (failed)' });
      expect(readFileSync(target, 'utf8')).toBe('untouched\n');
      expect(readdirSync(dir)).toEqual(['sftunnel-cert.pem']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a CLI that refuses expert', async () => {
    const error = await SshHost.connect(
      adminOptions({ username: TEST_USERS.noExpert.name, password: new Secret(TEST_USERS.noExpert.password) }),
    ).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'ESCALATION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/expert.*refused/);
  });

  it('auto picks expert from the CLI prompt and direct from a shell prompt', async () => {
    const auto = await SshHost.connect(adminOptions({ strategy: 'auto' }));
    expect(auto.strategy).toBe('expert');
    const workDir = (await auto.run('printf %s "$__sftca_d"')).stdout;
    expect(existsSync(workDir)).toBe(true);
    await auto.close();
    expect(existsSync(workDir)).toBe(false);
    const plain = await SshHost.connect(
      adminOptions({ strategy: 'auto', username: TEST_USERS.ops.name, password: new Secret(TEST_USERS.ops.password), sudo: true }),
    );
    try {
      expect(plain.strategy).toBe('direct');
      expect((await plain.run('id -u')).stdout).toBe('0\n');
    } finally {
      await plain.close();
    }
  });
});

/** Writes a root:root 0644 file atomically through `host` and checks it on disk. */
async function expectRootWrite(host: SshHost): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sftca-rootwrite-'));
  const target = join(dir, 'cacert.pem');
  writeFileSync(target, 'old ca\n', { mode: 0o644 });
  try {
    await host.writeFileAtomic(target, 'new ca\n', { backup: true });
    expect(readFileSync(target, 'utf8')).toBe('new ca\n');
    const stat = statSync(target);
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([0, 0, 0o644]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SshHost › root or a clear refusal, whatever the strategy (issue 21)', () => {
  const as = (user: { readonly name: string; readonly password: string }, extra: Partial<SshHostOptions> = {}): SshHostOptions =>
    adminOptions({ username: user.name, password: new Secret(user.password), ...extra });

  it('auto on a login that lands in bash (FMC 6.0–6.2): sudo su from the landing shell, through the lecture and `Password: `, to uid 0', async () => {
    const events: TransportEvent[] = [];
    const host = await SshHost.connect(as(TEST_USERS.bashAdmin, { strategy: 'auto', onEvent: (event) => events.push(event) }));
    try {
      expect(host.strategy).toBe('expert');
      expect(events.flatMap((event) => (event.type === 'escalation' ? [event.state] : []))).toEqual(['sudo', 'password', 'pinning', 'root']);
      expect(await host.run('id -u')).toEqual({ stdout: '0\n', stderr: '', code: 0 });
      await expectRootWrite(host);
    } finally {
      await host.close();
    }
  });

  it('expert on an FTD 6.4-like CLI: MOTD lines of `#####`, `#`, `-->`, `$$$`, the NOTICE block and sudo’s lecture do not fool the prompts', async () => {
    const events: TransportEvent[] = [];
    const host = await SshHost.connect(as(TEST_USERS.ftd64, { onEvent: (event) => events.push(event) }));
    try {
      expect(events.flatMap((event) => (event.type === 'escalation' ? [event.state] : []))).toEqual(['expert', 'sudo', 'password', 'pinning', 'root']);
      expect(events.find((event) => event.type === 'banner')).toMatchObject({ text: expect.stringContaining('#### Authorized use only ####') });
      await expectRootWrite(host);
    } finally {
      await host.close();
    }
  });

  it('expert on an FP4100/9300 module, whose expert shell starts in /opt/cisco/csp/applications: root, and a write root:root 0644', async () => {
    const events: TransportEvent[] = [];
    const host = await SshHost.connect(as(TEST_USERS.fp4100, { onEvent: (event) => events.push(event) }));
    try {
      expect(events.flatMap((event) => (event.type === 'escalation' ? [event.state] : []))).toEqual(['expert', 'sudo', 'password', 'pinning', 'root']);
      const typed = events.flatMap((event) => (event.type === 'login-text' && event.direction === 'received' ? [event.text] : [])).join('');
      expect(typed).toContain('@');
      expect(typed).toMatch(/:\/opt\/cisco\/csp\/applications\$ /);
      expect(typed).not.toContain(TEST_USERS.fp4100.password);
      await expectRootWrite(host);
    } finally {
      await host.close();
    }
  });

  it('auto and expert on a bash login without sudo: ESCALATION_FAILED at connect, saying what sudo answered; the password never echoed', async () => {
    for (const strategy of ['auto', 'expert'] as const) {
      const error = await SshHost.connect(as(TEST_USERS.plain, { strategy })).catch((caught: unknown) => caught);
      expect(isSftunnelCaError(error, 'ESCALATION_FAILED'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/sudo refused.*not in the sudoers file/);
      expect((error as Error).message).not.toContain(TEST_USERS.plain.password);
    }
  });

  it('direct as an ordinary user: ESCALATION_FAILED at connect with the uid it saw and what to do', async () => {
    const error = await SshHost.connect(as(TEST_USERS.bashAdmin, { strategy: 'direct' })).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'ESCALATION_FAILED')).toBe(true);
    const uid = execFileSync('id', ['-u', TEST_USERS.bashAdmin.name], { encoding: 'utf8' }).trim();
    expect((error as Error).message).toContain(`\`id -u\` printed "${uid}", not 0`);
    expect((error as Error).message).toMatch(/--strategy auto or expert/);
    expect(error).toMatchObject({ host: 'ftd-lab', step: 'check-root' });
    // With sudo -n where sudo wants a password: the same refusal, naming sudo.
    const sudo = await SshHost.connect(as(TEST_USERS.bashAdmin, { strategy: 'direct', sudo: true })).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(sudo, 'ESCALATION_FAILED')).toBe(true);
    expect((sudo as Error).message).toMatch(/sudo -n id -u` failed/);
  });

  it('an unknown prompt: ESCALATION_FAILED within the idle timeout, naming the state and the last line', async () => {
    // The FTD 6.4-like login with a CLI prompt pattern that never matches: as an unknown prompt would.
    const error = await SshHost.connect(as(TEST_USERS.ftd64, { prompts: { cli: /^never$/ }, idleTimeoutMs: 1500 })).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'ESCALATION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/no expected prompt within 1500 ms of quiet while waiting for the first prompt.*last line seen: "> "/);
  });
});
