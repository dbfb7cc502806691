import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPath, writePrivateFile } from './private-output-file.js';

describe('writePrivateFile and checkOutputPath (plan --out, renew --report)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'private-output-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes mode 0600, replaces an existing file whole (its mode too), and leaves no temporary file', async () => {
    const path = join(dir, 'report.md');
    await writePrivateFile(path, 'first\n');
    expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
    await writeFile(path, 'loose\n', { mode: 0o644 });
    await writePrivateFile(path, 'second\n');
    expect(await readFile(path, 'utf8')).toBe('second\n');
    expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
    expect((await readdir(dir)).sort()).toEqual(['report.md']);
  });

  it('replaces a symbolic link standing at the name instead of writing through it', async () => {
    const target = join(dir, 'elsewhere.txt');
    await writeFile(target, 'untouched\n');
    const path = join(dir, 'plan.json');
    await symlink(target, path);
    await writePrivateFile(path, '{}\n');
    expect(await readFile(target, 'utf8')).toBe('untouched\n');
    expect(await readFile(path, 'utf8')).toBe('{}\n');
  });

  it('refuses a directory, a missing directory and the kernel file systems before anything runs', async () => {
    await expect(checkOutputPath(dir, '--out')).rejects.toThrow(/is a directory/);
    await expect(checkOutputPath(join(dir, 'missing', 'x.json'), '--out')).rejects.toThrow(/does not exist/);
    await expect(checkOutputPath('/proc/self/environ', '--report')).rejects.toThrow(/not a place to write/);
  });
});
