import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { posix } from 'node:path';
import { defineCommand, type Command, type CommandContext, type FsStat } from 'just-bash';
import type { FileOwner } from './appliance.js';
import { diskFullAt } from './faults.js';
import { result, shellQuote, userId, type ShellIdentity } from './shell-user.js';

const ROOT_OWNER: FileOwner = { owner: 'root', group: 'root' };

function ownerOf(identity: ShellIdentity, path: string): FileOwner {
  return identity.appliance.owners.get(posix.normalize(path)) ?? ROOT_OWNER;
}

function typeBits(stat: FsStat): number {
  return stat.isSymbolicLink ? 0o120000 : stat.isDirectory ? 0o040000 : 0o100000;
}

function symbolicMode(stat: FsStat): string {
  const type = stat.isSymbolicLink ? 'l' : stat.isDirectory ? 'd' : '-';
  const bits = stat.mode & 0o777;
  let text = type;
  for (let shift = 6; shift >= 0; shift -= 3) {
    const b = (bits >> shift) & 7;
    text += (b & 4 ? 'r' : '-') + (b & 2 ? 'w' : '-') + (b & 1 ? 'x' : '-');
  }
  return text;
}

function statTime(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1000000')} +0000`;
}

function formatStat(format: string, path: string, stat: FsStat, owner: FileOwner): string {
  return format.replace(/%(.)/g, (all, spec: string) => {
    switch (spec) {
      case 'a':
        return (stat.mode & 0o7777).toString(8);
      case 'A':
        return symbolicMode(stat);
      case 'f':
        return (typeBits(stat) | (stat.mode & 0o7777)).toString(16);
      case 'U':
        return owner.owner;
      case 'G':
        return owner.group;
      case 'u':
        return String(userId(owner.owner));
      case 'g':
        return String(userId(owner.group));
      case 's':
        return String(stat.size);
      case 'n':
        return path;
      case 'F':
        return stat.isSymbolicLink ? 'symbolic link' : stat.isDirectory ? 'directory' : stat.size === 0 ? 'regular empty file' : 'regular file';
      case 'y':
        return statTime(stat.mtime);
      case 'Y':
        return String(Math.floor(stat.mtime.getTime() / 1000));
      case 'h':
        return '1';
      case 'i':
        return String(stat.ino ?? 0);
      case '%':
        return '%';
      default:
        return all;
    }
  });
}

function unescape(format: string): string {
  return format.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

/** `stat` with `-c`/`--format`/`--printf`, `-L`, and owners as the appliance has them (`root root`). */
function statCommand(identity: ShellIdentity): Command {
  return defineCommand('stat', async (args, ctx) => {
    let format: string | undefined;
    let follow = false;
    let printf = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] ?? '';
      if (arg === '--') files.push(...args.slice(i + 1));
      else if (arg === '-L' || arg === '--dereference') follow = true;
      else if (arg === '-c') format = args[++i];
      else if (arg.startsWith('--format=')) format = arg.slice(9);
      else if (arg.startsWith('--printf=')) {
        format = unescape(arg.slice(9));
        printf = true;
      } else if (arg.startsWith('-c')) format = arg.slice(2);
      else files.push(arg);
      if (arg === '--') break;
    }
    if (files.length === 0) return result('', "stat: missing operand\nTry 'stat --help' for more information.\n", 1);
    let out = '';
    let err = '';
    for (const file of files) {
      const path = ctx.fs.resolvePath(ctx.cwd, file);
      let stat: FsStat;
      try {
        stat = follow ? await ctx.fs.stat(path) : await ctx.fs.lstat(path);
      } catch {
        err += `stat: cannot statx '${file}': No such file or directory\n`;
        continue;
      }
      const owner = ownerOf(identity, path);
      if (format !== undefined) out += formatStat(format, file, stat, owner) + (printf ? '' : '\n');
      else {
        out += formatStat(
          `  File: %n\n  Size: %s\tBlocks: 8          IO Block: 4096   %F\nDevice: 803h/2051d\tInode: %i        Links: %h\nAccess: (0%a/%A)  Uid: (    %u/    %U)   Gid: (    %g/    %G)\nModify: %y\n`,
          file,
          stat,
          owner,
        );
      }
    }
    return result(out, err, err === '' ? 0 : 1);
  });
}

/** `ls` as the built-in prints it, with the owners the appliance has (`root root`) instead of the lab user's. */
function lsCommand(identity: ShellIdentity): Command {
  return defineCommand('ls', async (args, ctx) => {
    const original = ctx.origCommand;
    if (original === undefined) return result('', 'ls: unavailable\n', 2);
    const listed = await original(args);
    const operands = args.filter((a) => !a.startsWith('-'));
    const directory = ctx.fs.resolvePath(ctx.cwd, operands.length === 1 ? (operands[0] ?? '.') : '.');
    const stdout = listed.stdout.replace(/^([-dlcbps][-rwxsStT]{9}[.+@]?\s+\d+) (\S+) +(\S+) (.*)$/gm, (_all, head: string, _o: string, _g: string, rest: string) => {
      const name = /\d\d:\d\d (.*)$|\d{4} (.*)$/.exec(rest);
      const entry = name?.[1] ?? name?.[2] ?? '';
      const owner = ownerOf(identity, posix.join(directory, entry.replace(/ -> .*$/, '')));
      return `${head} ${owner.owner} ${owner.group} ${rest}`;
    });
    // Files named as operands are listed together, as GNU ls does (just-bash separates each with a blank line).
    const onlyFiles = operands.length > 1 && (await Promise.all(operands.map((o) => ctx.fs.stat(ctx.fs.resolvePath(ctx.cwd, o)).then((st) => !st.isDirectory, () => false)))).every(Boolean);
    const listing = onlyFiles ? stdout.replace(/\n\n+/g, '\n') : stdout;
    return { ...listed, stdout: alignLongListing(listing, args.some((a) => /^-[^-]*h/.test(a) || a === '--human-readable')) };
  });
}

const LONG_LINE = /^([-dlcbps][-rwxsStT]{9}[.+@]?)\s+(\d+) (\S+)\s+(\S+)\s+(\S+) (\w{3}\s+\d{1,2}\s+(?:\d\d:\d\d|\d{4}) .*)$/;

/**
 * Aligns the columns of a long listing as GNU `ls` does: each column as wide as its widest entry
 * in the listing (so `-rw-r--r-- 1 root root 1.5K Oct 14 12:41 sftunnel-cert.pem` when every size
 * has four characters), counts and sizes right-aligned, names left-aligned; a directory's size is
 * its block, `4096` (`4.0K` with `-h`).
 */
export function alignLongListing(stdout: string, human: boolean): string {
  const lines = stdout.split('\n');
  const rows = lines.map((line) => {
    const m = LONG_LINE.exec(line);
    if (m === null) return undefined;
    const mode = m[1] ?? '';
    const size = mode.startsWith('d') && /^0$|^0(\.0)?K?$/.test(m[5] ?? '') ? (human ? '4.0K' : '4096') : (m[5] ?? '');
    return { mode, links: m[2] ?? '', owner: m[3] ?? '', group: m[4] ?? '', size, rest: m[6] ?? '' };
  });
  const width = (pick: (row: NonNullable<(typeof rows)[number]>) => string): number => Math.max(0, ...rows.map((row) => (row === undefined ? 0 : pick(row).length)));
  const links = width((r) => r.links);
  const owner = width((r) => r.owner);
  const group = width((r) => r.group);
  const size = width((r) => r.size);
  return lines
    .map((line, i) => {
      const row = rows[i];
      if (row === undefined) return line;
      return `${row.mode} ${row.links.padStart(links)} ${row.owner.padEnd(owner)} ${row.group.padEnd(group)} ${row.size.padStart(size)} ${row.rest}`;
    })
    .join('\n');
}

/** `chown [-R] OWNER[:GROUP] FILE…`: root only; records the owner the lab shows. */
function chownCommand(identity: ShellIdentity, name: 'chown' | 'chgrp'): Command {
  return defineCommand(name, async (args, ctx) => {
    const operands = args.filter((a) => a === '-' || !a.startsWith('-'));
    const [spec, ...files] = operands;
    if (spec === undefined || files.length === 0) return result('', `${name}: missing operand\n`, 1);
    let err = '';
    for (const file of files) {
      const path = ctx.fs.resolvePath(ctx.cwd, file);
      if (!(await ctx.fs.exists(path))) {
        err += `${name}: cannot access '${file}': No such file or directory\n`;
        continue;
      }
      if (identity.user !== 'root') {
        err += `${name}: changing ownership of '${file}': Operation not permitted\n`;
        continue;
      }
      const current = ownerOf(identity, path);
      const named = (id: string | undefined, fallback: string): string => (id === undefined || id === '' ? fallback : id === '0' ? 'root' : id === '1000' ? 'admin' : id);
      const [owner, group] = name === 'chgrp' ? [undefined, spec] : spec.split(/[:.]/);
      const next = { owner: named(owner, current.owner), group: named(group, current.group) };
      if (next.owner === 'root' && next.group === 'root') identity.appliance.owners.delete(posix.normalize(path));
      else identity.appliance.owners.set(posix.normalize(path), next);
    }
    return result('', err, err === '' ? 0 : 1);
  });
}

function idCommand(identity: ShellIdentity): Command {
  return defineCommand('id', async (args) => {
    const user = identity.user;
    const id = userId(user);
    if (args.includes('-u')) return result(args.includes('-n') ? `${user}\n` : `${id}\n`);
    if (args.includes('-g')) return result(args.includes('-n') ? `${user}\n` : `${id}\n`);
    return result(`uid=${id}(${user}) gid=${id}(${user}) groups=${id}(${user})\n`);
  });
}

function mktempCommand(): Command {
  return defineCommand('mktemp', async (args, ctx) => {
    const directory = args.includes('-d');
    const template = args.find((a) => !a.startsWith('-')) ?? '/tmp/tmp.XXXXXXXXXX';
    const path = template.replace(/X+$/, (xs) => randomBytes(xs.length).toString('base64url').slice(0, xs.length).replace(/[-_]/g, 'a'));
    const full = ctx.fs.resolvePath(ctx.cwd, path);
    try {
      // mktemp makes what it creates private to its owner, whatever the umask.
      if (directory) await ctx.fs.mkdir(full, { recursive: true });
      else await ctx.fs.writeFile(full, '');
      await ctx.fs.chmod(full, directory ? 0o700 : 0o600);
    } catch {
      return result('', `mktemp: failed to create ${directory ? 'directory' : 'file'} via template '${template}': Permission denied\n`, 1);
    }
    return result(`${path}\n`);
  });
}

/** `rmdir DIR…`: removes empty directories (just-bash's fails on a real directory tree with EISDIR). */
function rmdirCommand(): Command {
  return defineCommand('rmdir', async (args, ctx) => {
    let stderr = '';
    for (const operand of args.filter((a) => !a.startsWith('-'))) {
      const path = ctx.fs.resolvePath(ctx.cwd, operand);
      const why = !(await ctx.fs.exists(path))
        ? 'No such file or directory'
        : !(await ctx.fs.stat(path)).isDirectory
          ? 'Not a directory'
          : (await ctx.fs.readdir(path)).length > 0
            ? 'Directory not empty'
            : undefined;
      if (why === undefined) await ctx.fs.rm(path, { recursive: true });
      else stderr += `rmdir: failed to remove '${operand}': ${why}\n`;
    }
    return result('', stderr, stderr === '' ? 0 : 1);
  });
}

/** `umask [MODE]` with an octal MODE: prints or sets the session's mask. */
function umaskCommand(identity: ShellIdentity): Command {
  return defineCommand('umask', async (args) => {
    const [mode] = args;
    if (mode === undefined) return result(`${identity.umask.value.toString(8).padStart(4, '0')}\n`);
    if (!/^[0-7]{1,4}$/.test(mode)) return result('', `bash: umask: ${mode}: octal number out of range\n`, 1);
    identity.umask.value = parseInt(mode, 8) & 0o777;
    return result('');
  });
}

function sttyCommand(identity: ShellIdentity): Command {
  return defineCommand('stty', async (args) => {
    const terminal = identity.terminal;
    if (terminal === undefined) return result('', "stty: 'standard input': Inappropriate ioctl for device\n", 1);
    for (const arg of args) {
      if (arg === '-echo') terminal.setEcho(false);
      else if (arg === 'echo') terminal.setEcho(true);
      else if (arg === '-onlcr') terminal.setOutputNewlines(false);
      else if (arg === 'onlcr') terminal.setOutputNewlines(true);
    }
    return result('');
  });
}

/**
 * `sudo`: root runs the command; `admin` may run it as root without a password only where the
 * lab enables the `direct` strategy (otherwise sudo wants a terminal for the password; the
 * interactive `sudo su` is handled by the terminal session).
 */
function sudoCommand(identity: ShellIdentity): Command {
  return defineCommand('sudo', async (args, ctx: CommandContext) => {
    let i = 0;
    while (i < args.length && (args[i] ?? '').startsWith('-')) {
      if (args[i] === '-u') i++;
      i++;
    }
    const command = args.slice(i);
    if (command.length === 0) return result('', 'usage: sudo -h | -K | -k | -V\n', 1);
    if (identity.user !== 'root' && !identity.appliance.info.direct) {
      return args.includes('-n') ? result('', 'sudo: a password is required\n', 1) : result('', 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n', 1);
    }
    const stdin = typeof ctx.stdin === 'string' ? ctx.stdin : '';
    return identity.runAsRoot(command.map(shellQuote).join(' '), ctx.cwd, stdin);
  });
}

/**
 * `df [-P] [-k] [PATH…]` in POSIX form (1024-byte blocks): the data partition reports the free
 * space of the disk the lab's directory is on, and none at all under the `diskFull` fault; `/tmp`
 * and `/dev` are file systems of their own that the fault leaves free.
 */
function dfCommand(identity: ShellIdentity): Command {
  return defineCommand('df', async (args, ctx) => {
    const operands = args.filter((a) => !a.startsWith('-'));
    const disk = await statfs(identity.appliance.info.root);
    const totalKiB = Math.floor((disk.blocks * disk.bsize) / 1024);
    const freeKiB = Math.floor((disk.bavail * disk.bsize) / 1024);
    let stdout = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\n';
    let stderr = '';
    for (const operand of operands.length === 0 ? ['/'] : operands) {
      const path = ctx.fs.resolvePath(ctx.cwd, operand);
      if (!(await ctx.fs.exists(path))) {
        stderr += `df: '${operand}': No such file or directory\n`;
        continue;
      }
      const mount = ['/dev', '/tmp'].find((m) => path === m || path.startsWith(`${m}/`));
      const available = diskFullAt(identity.appliance.faults, path) ? 0 : freeKiB;
      const used = totalKiB - available;
      const capacity = totalKiB === 0 ? 0 : Math.ceil((used / totalKiB) * 100);
      stdout += `${mount === undefined ? '/dev/sda6' : mount === '/tmp' ? 'tmpfs' : 'devtmpfs'} ${totalKiB} ${used} ${available} ${capacity}% ${mount ?? '/'}\n`;
    }
    return result(stdout, stderr, stderr === '' ? 0 : 1);
  });
}

/** The POSIX commands the lab adds to, or fixes in, just-bash for an appliance shell. */
export function posixCommands(identity: ShellIdentity): Command[] {
  const name = identity.appliance.info.name;
  return [
    statCommand(identity),
    lsCommand(identity),
    chownCommand(identity, 'chown'),
    chownCommand(identity, 'chgrp'),
    idCommand(identity),
    mktempCommand(),
    rmdirCommand(),
    sttyCommand(identity),
    sudoCommand(identity),
    defineCommand('whoami', async () => result(`${identity.user}\n`)),
    defineCommand('hostname', async () => result(`${name}\n`)),
    umaskCommand(identity),
    defineCommand('sync', async () => result('')),
    dfCommand(identity),
  ];
}
