import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOwnerOnlyFile } from './owner-only-file.js';
import { runCli } from './run-cli.js';

const PASSWORD = 'Ftd-pw.example';

describe('inventory secrets and file: references are checked before anything connects', () => {
  let dir = '';
  let server: Server;
  let port = 0;
  const connections: Socket[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inventory-secrets-'));
    // Stands where the FMC would be: counts every connection attempt (none is expected).
    server = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    await writeFile(join(dir, 'fmc-password'), 'fmc-pw\n', { mode: 0o600 });
    await writeFile(join(dir, 'ftd-password'), `${PASSWORD}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'readable-password'), `${PASSWORD}\n`, { mode: 0o644 });
    await writeFile(join(dir, 'huge-password'), 'x'.repeat(1024 * 1024), { mode: 0o600 });
    await symlink(join(dir, 'readable-password'), join(dir, 'link-to-readable'));
    await symlink(join(dir, 'ftd-password'), join(dir, 'link-to-private'));
    execFileSync('mkfifo', ['-m', '600', join(dir, 'fifo')]);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `renew` against the counting listener with an inventory of these lines. */
  const renew = async (csv: string, extra: readonly string[] = []): Promise<{ code: number; printed: string }> => {
    const devices = join(dir, `devices-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(devices, csv);
    const stderr = new PassThrough();
    const stdout = new PassThrough();
    let printed = '';
    for (const stream of [stdout, stderr]) stream.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const code = await runCli(['renew', '--fmc', `admin@127.0.0.1:${port}`, '--password-file', join(dir, 'fmc-password'), '--host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '--devices', devices, '--yes', ...extra], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      env: { FTD_PASSWORD: PASSWORD },
      now: () => new Date(),
    });
    return { code, printed };
  };

  it('refuses an ip column that holds the row’s password, inline or through file:, naming the line and never the value', async () => {
    for (const [csv, line] of [
      [`FTD-0001,${PASSWORD},admin,file:${join(dir, 'ftd-password')}\n`, 1],
      [`FTD-0000,127.0.0.1,admin,pw\nFTD-0001,${PASSWORD},admin,${PASSWORD}\n`, 2],
    ] as const) {
      for (const json of [[], ['--json']]) {
        const { code, printed } = await renew(csv, json);
        expect(code).toBe(2);
        expect(printed).toContain('DEVICES_CSV_INVALID_VALUE');
        expect(printed).toMatch(new RegExp(`"line":${line}|:${line}\\b|line ${line}`));
        expect(printed).not.toContain(PASSWORD);
      }
    }
    expect(connections).toHaveLength(0);
  });

  it('refuses file: references that are not private regular files of bounded size, each with what, where and what to do', async () => {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'fifo'), /FIFO.*regular file/],
      ['/proc/self/environ', /\/proc.*regular file/],
      [join(dir, 'link-to-readable'), /link to .*readable-password.*readable by others.*chmod 600/],
      [join(dir, 'huge-password'), /larger than 64 KiB/],
      ['/dev/null', /character device.*regular file/],
    ];
    for (const [path, why] of cases) {
      const { code, printed } = await renew(`FTD-0001,127.0.0.21,admin,file:${path}\n`);
      expect(code, path).toBe(2);
      expect(printed, path).toMatch(why);
      expect(printed, path).toMatch(/devices-\w+\.csv:1/);
    }
    expect(connections).toHaveLength(0);
  });

  it('reads a link to a private file (its target checked), and refuses the same rules for --password-file and key files', async () => {
    expect(await readOwnerOnlyFile(join(dir, 'link-to-private'), '--password-file')).toBe(`${PASSWORD}\n`);
    await expect(readOwnerOnlyFile(join(dir, 'fifo'), '--password-file')).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringMatching(/FIFO/) });
    await expect(readOwnerOnlyFile('/proc/self/environ', '--identity')).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringMatching(/\/proc/) });
  });
});
