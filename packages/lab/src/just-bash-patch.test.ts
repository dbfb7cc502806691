import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bash, ReadWriteFs, defineCommand, parse, type CommandContext } from 'just-bash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The lab runs just-bash 3.4.2 with patches/just-bash@3.4.2.patch (bench/README.md, "The lab's CPU"):
// ReadWriteFs checks a path for symbolic links with one lstat per component instead of realpath,
// compare and lstat (an exception per missing ancestor), answers exists, stat and lstat from that walk (and
// reads and writes a small existing file with synchronous calls, without making its directory again),
// skips directories already found real while `verifiedDirectories` is set (one script of the lab), exec runs a tree already parsed
// (option `ast`), and with defense-in-depth off a custom command
// gets the shell's context as is, without the revocable membrane built for every command.
describe('just-bash as patched for the lab', () => {
  let root: string;
  let outside: string;
  let disk: ReadWriteFs;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sftunnel-lab-jb-'));
    outside = await mkdtemp(join(tmpdir(), 'sftunnel-lab-jb-outside-'));
    await mkdir(join(root, 'var/sf/peers/p'), { recursive: true });
    await writeFile(join(root, 'var/sf/peers/p/cacert.pem'), 'CA\n');
    await writeFile(join(outside, 'secret'), 'secret\n');
    await symlink(join(root, 'var/sf'), join(root, 'sf-link'));
    await symlink(outside, join(root, 'escape'));
    await symlink('/nowhere', join(root, 'var/sf/peers/p/dangling'));
    await symlink('cacert.pem', join(root, 'var/sf/peers/p/relative-link'));
    disk = new ReadWriteFs({ root });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reads, writes and creates below the root as before', async () => {
    expect(await disk.readFile('/var/sf/peers/p/cacert.pem')).toBe('CA\n');
    await disk.writeFile('/var/sf/peers/p/new.pem', 'NEW\n');
    expect(fs.readFileSync(join(root, 'var/sf/peers/p/new.pem'), 'utf8')).toBe('NEW\n');
    await disk.mkdir('/var/tmp/certs/1/peers', { recursive: true });
    expect((await disk.stat('/var/tmp/certs/1/peers')).isDirectory).toBe(true);
    expect(await disk.exists('/no/such/dir/file')).toBe(false);
    await expect(disk.stat('/no/such/file')).rejects.toThrow(/ENOENT/);
  });

  it('still refuses every symbolic link on the way, inside or outside the root, dangling or not', async () => {
    await expect(disk.readFile('/sf-link/peers/p/cacert.pem')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
    await expect(disk.readFile('/escape/secret')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
    await expect(disk.writeFile('/escape/planted', 'x')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
    await expect(disk.writeFile('/var/sf/peers/p/dangling', 'x')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
    await expect(disk.readFile('/var/sf/peers/p/relative-link')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
    expect(fs.existsSync(join(outside, 'planted'))).toBe(false);
    expect(fs.existsSync('/nowhere')).toBe(false);
  });

  it('refuses a path that goes through a regular file', async () => {
    await expect(disk.readFile('/var/sf/peers/p/cacert.pem/child')).rejects.toThrow(/EACCES|ENOTDIR|outside sandbox/);
  });

  it('checks a path with one lstat per component below the root and no realpath', async () => {
    const calls = { realpath: 0, lstat: 0 };
    const { realpathSync, lstatSync } = fs;
    const writable = fs as { realpathSync: typeof realpathSync; lstatSync: typeof lstatSync };
    writable.realpathSync = Object.assign((...args: Parameters<typeof realpathSync>) => (calls.realpath++, realpathSync(...args)), { native: realpathSync.native }) as typeof realpathSync;
    writable.lstatSync = ((...args: Parameters<typeof lstatSync>) => (calls.lstat++, lstatSync(...args))) as typeof lstatSync;
    syncBuiltinESMExports();
    try {
      await disk.readFile('/var/sf/peers/p/cacert.pem');
      await disk.exists('/var/missing/deeper/still');
    } finally {
      writable.realpathSync = realpathSync;
      writable.lstatSync = lstatSync;
      syncBuiltinESMExports();
    }
    // 5 components for the file; 2 for the missing path (var, then missing: the rest is not asked).
    expect(calls).toEqual({ realpath: 0, lstat: 7 });
  });

  it('answers exists, stat and lstat from that walk, and reads and writes an existing small file without re-creating its directory or async round trips', async () => {
    const calls: string[] = [];
    const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => unknown>;
    const originals = new Map<string, (...args: unknown[]) => unknown>();
    for (const name of ['lstat', 'access', 'mkdir', 'open']) {
      const original = promises[name];
      if (original === undefined) throw new Error(`fs.promises.${name} is missing`);
      originals.set(name, original);
      promises[name] = (...args: unknown[]) => (calls.push(name), original.apply(fs.promises, args));
    }
    try {
      expect(await disk.exists('/var/sf/peers/p/cacert.pem')).toBe(true);
      expect(await disk.exists('/var/sf/peers/p/missing.pem')).toBe(false);
      expect(await disk.exists('/var/sf/peers/p/dangling')).toBe(false);
      const stat = await disk.stat('/var/sf/peers/p/cacert.pem');
      expect([stat.isFile, stat.isDirectory, stat.size]).toEqual([true, false, 3]);
      expect((await disk.stat('/var/sf/peers')).isDirectory).toBe(true);
      await expect(disk.stat('/var/sf/peers/p/missing.pem')).rejects.toThrow("ENOENT: no such file or directory, stat '/var/sf/peers/p/missing.pem'");
      await expect(disk.stat('/var/sf/peers/p/dangling')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
      // lstat (`[ -L … ]`): the parent's walk, then one synchronous lstat of the last component.
      expect((await disk.lstat('/var/sf/peers/p/dangling')).isSymbolicLink).toBe(true);
      expect((await disk.lstat('/var/sf/peers/p/cacert.pem')).isFile).toBe(true);
      await expect(disk.lstat('/var/sf/peers/p/missing.pem')).rejects.toThrow("ENOENT: no such file or directory, lstat '/var/sf/peers/p/missing.pem'");
      await expect(disk.lstat('/var/no/such/missing.pem')).rejects.toThrow("ENOENT: no such file or directory, lstat '/var/no/such/missing.pem'");
      await expect(disk.lstat('/var/sf/peers/p/cacert.pem/child')).rejects.toThrow(/ENOTDIR|EACCES/);
      expect(calls).toEqual([]);
      // A small existing file is read and rewritten with synchronous calls (no FileHandle round trips).
      await disk.writeFile('/var/sf/peers/p/cacert.pem', 'CA2\n');
      expect(await disk.readFile('/var/sf/peers/p/cacert.pem')).toBe('CA2\n');
      // Truncated only when the new content is empty or shorter (a longer one overwrites every old byte).
      const { ftruncateSync } = fs;
      let truncations = 0;
      (fs as { ftruncateSync: typeof ftruncateSync }).ftruncateSync = ((...args: Parameters<typeof ftruncateSync>) => (truncations++, ftruncateSync(...args))) as typeof ftruncateSync;
      syncBuiltinESMExports();
      try {
        await disk.writeFile('/var/sf/peers/p/cacert.pem', 'CA3\n');
        expect([await disk.readFile('/var/sf/peers/p/cacert.pem'), truncations]).toEqual(['CA3\n', 0]);
        await disk.writeFile('/var/sf/peers/p/cacert.pem', 'C\n');
        expect([await disk.readFile('/var/sf/peers/p/cacert.pem'), truncations]).toEqual(['C\n', 1]);
        await disk.writeFile('/var/sf/peers/p/cacert.pem', '');
        expect([await disk.readFile('/var/sf/peers/p/cacert.pem'), truncations]).toEqual(['', 2]);
        await disk.writeFile('/var/sf/peers/p/cacert.pem', 'CA2\n');
      } finally {
        (fs as { ftruncateSync: typeof ftruncateSync }).ftruncateSync = ftruncateSync;
        syncBuiltinESMExports();
      }
      await expect(disk.readFile('/var/sf/peers/p/missing.pem')).rejects.toThrow("ENOENT: no such file or directory, open '/var/sf/peers/p/missing.pem'");
      expect(calls).toEqual([]);
      await disk.appendFile('/var/sf/peers/p/cacert.pem', 'more\n');
      expect(calls.filter((call) => call !== 'open')).toEqual([]);
      expect(fs.readFileSync(join(root, 'var/sf/peers/p/cacert.pem'), 'utf8')).toBe('CA2\nmore\n');
      // A new file in a new directory: its directory is made as before.
      await disk.writeFile('/var/sf/new/dir/file', 'x');
      expect(calls).toContain('mkdir');
      expect(fs.readFileSync(join(root, 'var/sf/new/dir/file'), 'utf8')).toBe('x');
    } finally {
      for (const [name, original] of originals) promises[name] = original;
      fs.writeFileSync(join(root, 'var/sf/peers/p/cacert.pem'), 'CA\n');
    }
  });

  it('skips the directories found real while verifiedDirectories is set, never the last level', async () => {
    let lstats = 0;
    const { lstatSync } = fs;
    const writable = fs as { lstatSync: typeof lstatSync };
    writable.lstatSync = ((...args: Parameters<typeof lstatSync>) => (lstats++, lstatSync(...args))) as typeof lstatSync;
    syncBuiltinESMExports();
    try {
      disk.verifiedDirectories = new Set();
      expect(await disk.exists('/var/sf/peers/p/cacert.pem')).toBe(true);
      expect(lstats).toBe(5);
      expect(await disk.exists('/var/sf/peers/p/missing.pem')).toBe(false);
      expect(lstats).toBe(6); // var, sf, peers and p were found real: only the last level is looked at
      await expect(disk.readFile('/var/sf/peers/p/relative-link')).rejects.toThrow(/outside sandbox|symlink|EACCES/);
      disk.verifiedDirectories = undefined;
      lstats = 0;
      expect(await disk.exists('/var/sf/peers/p/cacert.pem')).toBe(true);
      expect(lstats).toBe(5);
    } finally {
      disk.verifiedDirectories = undefined;
      writable.lstatSync = lstatSync;
      syncBuiltinESMExports();
    }
  });

  it('runs the tree given to exec as `ast` instead of parsing the script again', async () => {
    const bash = new Bash({ fs: disk, defenseInDepth: false });
    expect((await bash.exec('echo from the text', { ast: parse('echo from the tree') })).stdout).toBe('from the tree\n');
    expect((await bash.exec('echo from the text')).stdout).toBe('from the text\n');
  });

  it('skips the PATH walk when the file system knows every command directory missing, and walks when unsure', async () => {
    const asked: string[][] = [];
    const lookups: string[] = [];
    let known = true;
    const hooked = new Proxy(disk, {
      get(target, property, receiver) {
        if (property === 'commandDirectoriesMissing')
          return (directories: readonly string[]) => {
            asked.push([...directories]);
            return known;
          };
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'exists' || property === 'stat')
          return (path: string) => {
            lookups.push(path);
            return (value as (p: string) => Promise<unknown>).call(target, path);
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const probe = defineCommand('probe', async () => ({ stdout: 'probed\n', stderr: '', exitCode: 0 }));
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };
    const run = (script: string) => new Bash({ fs: hooked, env, defenseInDepth: false, customCommands: [probe] }).exec(script);

    const fast = await run('echo one; probe; echo two; nosuch');
    expect(fast.stdout).toBe('one\nprobed\ntwo\n');
    expect(fast.stderr).toBe('bash: nosuch: command not found\n');
    expect(fast.exitCode).toBe(127);
    expect(lookups.filter((path) => /^\/(usr\/)?(local\/)?bin/.test(path))).toEqual([]);
    // PATH's directories and /usr/bin; for a hashed command also its hashed path's directory.
    expect(asked[0]).toEqual(['/usr/local/bin', '/usr/bin', '/bin', '/usr/bin']);
    expect(asked[2]).toEqual(['/usr/local/bin', '/usr/bin', '/bin', '/usr/bin', '/usr/bin']);

    known = false;
    lookups.length = 0;
    const walked = await run('echo one; nosuch');
    expect(walked.stdout).toBe('one\n');
    expect(walked.exitCode).toBe(127);
    expect(lookups).toEqual(expect.arrayContaining(['/usr/local/bin/echo', '/usr/bin/echo', '/bin/echo', '/usr/local/bin/nosuch', '/usr/bin']));

    // With a relative PATH entry the hook is not even asked: the shell walks.
    known = true;
    asked.length = 0;
    lookups.length = 0;
    const relative = await new Bash({ fs: hooked, env: { PATH: 'bin:/usr/bin' }, defenseInDepth: false }).exec('echo three');
    expect(relative.stdout).toBe('three\n');
    expect(asked).toEqual([]);
    expect(lookups.length).toBeGreaterThan(0);
  });

  it('gives a custom command the shell’s own context when defense-in-depth is off, the membrane when on', async () => {
    let seen: CommandContext | undefined;
    const probe = defineCommand('probe', async (_args, context) => {
      seen = context;
      return { stdout: `${String(context.fs === disk)}\n`, stderr: '', exitCode: 0 };
    });
    const off = await new Bash({ defenseInDepth: false, fs: disk, customCommands: [probe] }).exec('probe');
    expect(off.stdout).toBe('true\n');
    await expect(seen?.fs.exists('/var')).resolves.toBe(true);
    const on = await new Bash({ defenseInDepth: true, fs: disk, customCommands: [probe] }).exec('probe');
    expect(on.stdout).toBe('false\n');
    await expect(Promise.resolve().then(() => seen?.fs.exists('/var'))).rejects.toThrow(/outside defense context|revoked|cancellation/);
  });
});
