import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVICE_LOCK_NAME, underDeviceLock } from './device-lock.js';

function sh(command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 255));
  });
}

describe('underDeviceLock, on a real /bin/sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'device-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs bodies one at a time, keeps the body’s exit status and leaves no lock behind', async () => {
    const log = join(dir, 'log');
    const body = (name: string, status: number): string => `echo ${name}-in >> ${log}; sleep 0.3; echo ${name}-out >> ${log}; exit ${status}`;
    const codes = await Promise.all([sh(underDeviceLock(dir, body('a', 0))), sh(underDeviceLock(dir, body('b', 3)))]);
    expect(codes).toEqual([0, 3]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect([lines[0]?.slice(0, 1), lines[1]?.slice(0, 1)]).toEqual([lines[0]?.slice(0, 1), lines[0]?.slice(0, 1)]); // in then out of the same body
    expect(lines.map((l) => l.slice(2))).toEqual(['in', 'out', 'in', 'out']);
    expect(existsSync(join(dir, DEVICE_LOCK_NAME))).toBe(false);
  });
});
