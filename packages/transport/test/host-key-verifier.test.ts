import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from './sshd.js';
import { TEST_USERS } from './test-users.js';
import { connectSsh } from '../src/connect.js';
import type { HostKeyOptions } from '../src/host-key-verifier.js';
import { Secret } from '@sftunnel-ca/core';

let sshd: Sshd;
let work: string;
let fingerprint: string;
let otherKeyLine: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sftca-hostkeys-'));
  sshd = await startSshd();
  fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', sshd.hostPublicKeyPath], { encoding: 'utf8' }).split(' ')[1] ?? '';
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'other')]);
  otherKeyLine = readFileSync(join(work, 'other.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

let fileCounter = 0;
function knownHosts(text: string): string {
  const file = join(work, `known_hosts.${++fileCounter}`);
  writeFileSync(file, text);
  return file;
}

async function attempt(hostKeys: HostKeyOptions): Promise<SftunnelCaErrorCode | 'ok'> {
  try {
    const connection = await connectSsh(
      { host: sshd.host, port: sshd.port, username: TEST_USERS.ops.name, password: new Secret(TEST_USERS.ops.password) },
      { hostKeys, retry: { attempts: 1 } },
    );
    connection.close();
    return 'ok';
  } catch (error) {
    if (isSftunnelCaError(error)) return error.code;
    throw error;
  }
}

describe('host key verification against a real sshd', () => {
  it('accepts a known key recorded as [127.0.0.1]:port', async () => {
    expect(await attempt({ knownHostsFiles: [knownHosts(`# comment\n${sshd.knownHostsLine}\n`)] })).toBe('ok');
  });

  it('accepts a hashed entry written by ssh-keygen -H', async () => {
    const file = knownHosts(`${sshd.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect(await attempt({ knownHostsFiles: [file] })).toBe('ok');
  });

  it('refuses a changed key with HOST_KEY_MISMATCH naming both fingerprints', async () => {
    const file = knownHosts(`[${sshd.host}]:${sshd.port} ${otherKeyLine}\n`);
    const error = await connectSsh(
      { host: sshd.host, port: sshd.port, username: 'x', password: new Secret('x') },
      { name: 'ftd-7', hostKeys: { knownHostsFiles: [file], policy: 'accept-new' }, retry: { attempts: 1 } },
    ).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'HOST_KEY_MISMATCH')).toBe(true);
    const other = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(work, 'other.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect((error as Error).message).toContain(fingerprint);
    expect((error as Error).message).toContain(other);
    expect(error).toMatchObject({ host: 'ftd-7', step: 'host-key' });
  });

  it('refuses an unknown host by default, and the same key on another port is unknown', async () => {
    expect(await attempt({ knownHostsFiles: [knownHosts('')] })).toBe('HOST_KEY_UNKNOWN');
    expect(await attempt({ knownHostsFiles: [knownHosts(`${sshd.host} ${sshd.hostPublicKey}\n`)] })).toBe('HOST_KEY_UNKNOWN');
  });

  it('records an unknown host under accept-new, then knows it', async () => {
    const file = join(work, 'accept-new', 'known_hosts');
    expect(await attempt({ knownHostsFiles: [file], policy: 'accept-new', hashNewEntries: true })).toBe('ok');
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|\S+ ssh-ed25519 \S+\n$/);
    expect(await attempt({ knownHostsFiles: [file] })).toBe('ok');
  });

  it('refuses a key listed @revoked', async () => {
    const file = knownHosts(`${sshd.knownHostsLine}\n@revoked * ${sshd.hostPublicKey}\n`);
    expect(await attempt({ knownHostsFiles: [file] })).toBe('HOST_KEY_MISMATCH');
  });

  it('checks pinned SHA256 fingerprints', async () => {
    expect(await attempt({ fingerprints: [fingerprint], knownHostsFiles: [] })).toBe('ok');
    expect(await attempt({ fingerprints: [`SHA256:${'A'.repeat(43)}`], knownHostsFiles: [] })).toBe('HOST_KEY_MISMATCH');
  });
});
