import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile } from './input-file.js';
import { readOwnerOnlyFile } from './owner-only-file.js';
import { runCli } from './run-cli.js';

describe('files named on the command line', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'input-file-'));
    await mkdir(join(dir, 'a-directory'), { mode: 0o700 });
    await writeFile(join(dir, 'cacert.pem'), 'text\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file, and refuses a missing file or a directory with a usage error naming the option, the file and why', async () => {
    expect(await readInputFile(join(dir, 'cacert.pem'), '--file')).toBe('text\n');
    await expect(readInputFile(join(dir, 'missing'), '--devices')).rejects.toMatchObject({ code: 'CLI_USAGE', message: `--devices: cannot read ${join(dir, 'missing')}: ENOENT` });
    await expect(readInputFile(join(dir, 'a-directory'), '--file', { remedy: 'pass the CA certificate file' })).rejects.toMatchObject({ code: 'CLI_USAGE', message: `--file: cannot read ${join(dir, 'a-directory')}: EISDIR; pass the CA certificate file` });
    // A 0700 directory passes the owner-only check: reading it must still be a usage error (it was an uncaught EISDIR).
    await expect(readOwnerOnlyFile(join(dir, 'a-directory'), '--password-file')).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining('EISDIR') });
  });

  it('diagnose given a directory exits 2 with the reason (found by the argv fuzzer: it printed an unexpected EISDIR)', async () => {
    const stderr = new PassThrough();
    let printed = '';
    stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const code = await runCli(['diagnose', join(dir, 'a-directory')], { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {}, now: () => new Date() });
    expect(code).toBe(2);
    expect(printed).toContain(`diagnose: cannot read ${join(dir, 'a-directory')}: EISDIR`);
    expect(printed).not.toContain('unexpected error');
  });
});
