import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftunnelCaError } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey, startSshd, type Sshd } from './sshd.js';
import { TEST_USERS } from './test-users.js';
import { backupTimestamp } from '../src/atomic-write.js';
import { Secret } from '@sftunnel-ca/core';
import { SshHost } from '../src/ssh-host.js';

let sshd: Sshd;
let work: string;
let mountPoint: string;
let host: SshHost;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sftca-diskfull-'));
  const key = generateClientKey(work, 'client_key');
  sshd = await startSshd({ authorizedKeys: { [TEST_USERS.ops.name]: [key.publicKey] } });
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  mountPoint = join(work, 'peers');
  execFileSync('mkdir', ['-p', mountPoint]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0755', 'sftca-test', mountPoint]);
  host = await SshHost.connect({
    host: sshd.host,
    port: sshd.port,
    username: TEST_USERS.ops.name,
    privateKey: new Secret(key.privateKey),
    sudo: true,
    strategy: 'direct',
    hostKeys: { knownHostsFiles: [knownHosts] },
  });
});

afterAll(async () => {
  await host?.close();
  await sshd?.stop();
  try {
    execFileSync('umount', [mountPoint]);
  } catch {
    // Not mounted.
  }
  rmSync(work, { recursive: true, force: true });
});

describe('writeFileAtomic on a full disk', () => {
  it('fails with DISK_FULL and leaves the target and its directory untouched', async () => {
    const target = join(mountPoint, 'sftunnel-key.pem');
    writeFileSync(target, 'the key before\n', { mode: 0o644 });
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mountPoint, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops at "No space left on device", as intended.
    }
    const before = readdirSync(mountPoint).sort();
    const error = await host.writeFileAtomic(target, Buffer.alloc(64 * 1024, 0x42), { backup: true }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'DISK_FULL')).toBe(true);
    expect(error).toMatchObject({ step: 'write-file', file: target, host: sshd.host });
    expect(readFileSync(target, 'utf8')).toBe('the key before\n');
    expect(readdirSync(mountPoint).sort()).toEqual(before);
  });
});

describe('backupTimestamp', () => {
  it('is a compact UTC timestamp', () => {
    expect(backupTimestamp(new Date('2025-12-31T23:59:58.123Z'))).toBe('20251231T235958Z');
  });
});
