import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseDevicesCsv } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { resolveDeviceCredentials } from './device-credentials.js';

const io: CliIo = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, now: () => new Date() };

describe('device credentials from a devices.csv that names files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'device-credentials-'));
    await writeFile(join(dir, 'owner-only'), 'the-password\nsecond line\n', { mode: 0o600 });
    await writeFile(join(dir, 'loose'), 'the-password\n', { mode: 0o644 });
    await writeFile(join(dir, 'shadow'), 'root:*:20000:0:99999:7:::\n', { mode: 0o640 }); // as /etc/shadow on Debian
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the first line of a 0600 file: reference', async () => {
    const rows = parseDevicesCsv(`FTD-1,127.0.0.2,admin,file:${join(dir, 'owner-only')}\n`);
    const credentials = await resolveDeviceCredentials(io, rows, 'devices.csv');
    expect(credentials.get(rows[0]!)?.password?.revealText()).toBe('the-password');
  });

  it('refuses a file: reference or key file others can read — a loose file, a shadow file — naming the row, before anything is sent', async () => {
    const shadow = join(dir, 'shadow');
    for (const cell of [`file:${join(dir, 'loose')}`, `file:${shadow}`]) {
      const rows = parseDevicesCsv(`FTD-1,127.0.0.2,admin,${cell}\n`);
      await expect(resolveDeviceCredentials(io, rows, 'devices.csv'), cell).rejects.toMatchObject({
        code: 'SECRET_REFERENCE_UNRESOLVED',
        message: expect.stringMatching(/^cannot read the password file .*: devices\.csv:1: .* is readable by others \(mode 6[0-7]{2}\); run chmod 600 /),
      });
    }
    const keyed = parseDevicesCsv(`name,address,user,password,port,key file\nFTD-1,127.0.0.2,admin,,22,${shadow}\n`);
    await expect(resolveDeviceCredentials(io, keyed, 'devices.csv')).rejects.toMatchObject({ code: 'CLI_USAGE', message: `devices.csv:2 key file: ${shadow} is readable by others (mode 640); run chmod 600 ${shadow}` });
  });
});
