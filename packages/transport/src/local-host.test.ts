import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftunnelCaError } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHost } from './local-host.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sftca-local-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalHost', () => {
  const host = new LocalHost({ name: 'fmc-local', now: () => new Date('2024-01-02T03:04:05Z') });

  it('replaces a file atomically keeping mode and owner, with a backup', async () => {
    const target = join(dir, 'cacert.pem');
    writeFileSync(target, 'old\n', { mode: 0o640 });
    chownSync(target, 65534, 65534);
    const result = await host.writeFileAtomic(target, 'new\n', { backup: true });
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    const stat = statSync(target);
    expect([stat.mode & 0o7777, stat.uid, stat.gid]).toEqual([0o640, 65534, 65534]);
    expect(result.backupPath).toBe(`${target}.backup`);
    expect(await host.stat(target)).toMatchObject({ type: 'file', mode: 0o640, owner: 'nobody', size: 4 });
  });

  it('refuses to write through a symbolic link at any level of the target (DEVICE_PATH_SYMLINK), writing nothing', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    writeFileSync(join(real, 'victim.pem'), 'victim\n');
    symlinkSync(real, join(dir, 'linked-dir'));
    symlinkSync(join(real, 'victim.pem'), join(dir, 'linked-file.pem'));
    for (const target of [join(dir, 'linked-dir', 'sftunnel-key.pem'), join(dir, 'linked-dir', 'victim.pem'), join(dir, 'linked-file.pem')]) {
      const refused = await host.writeFileAtomic(target, 'key\n', { mode: 0o600, backup: true }).catch((error: unknown) => error);
      expect(refused, target).toMatchObject({ code: 'DEVICE_PATH_SYMLINK', host: 'fmc-local', step: 'write-file' });
    }
    expect(readdirSync(real)).toEqual(['victim.pem']);
    expect(readFileSync(join(real, 'victim.pem'), 'utf8')).toBe('victim\n');
    expect(readdirSync(dir).filter((name) => name.includes('sftunnel-ca'))).toEqual([]);
  });

  it('runs commands with exit status and stdin, and classifies failures', async () => {
    expect(await host.run('cat; exit 5', { stdin: 'x' })).toEqual({ stdout: 'x', stderr: '', code: 5 });
    const missing = await host.readFile(join(dir, 'missing')).catch((error: unknown) => error);
    expect(isSftunnelCaError(missing, 'FILE_NOT_FOUND')).toBe(true);
    expect(missing).toMatchObject({ host: 'fmc-local', step: 'read-file' });
  });

  it('enforces deadlines and AbortSignal, killing the command', async () => {
    const slow = await host.run('sleep 5', { timeoutMs: 100 }).catch((error: unknown) => error);
    expect(isSftunnelCaError(slow, 'OPERATION_TIMEOUT')).toBe(true);
    const aborted = await host.run('sleep 5', { signal: AbortSignal.timeout(50) }).catch((error: unknown) => error);
    expect(isSftunnelCaError(aborted, 'OPERATION_ABORTED')).toBe(true);
  });

  it('refuses work after close', async () => {
    const closing = new LocalHost();
    await closing.close();
    await closing.close();
    await expect(closing.run('true')).rejects.toMatchObject({ code: 'HOST_CLOSED' });
  });
});
