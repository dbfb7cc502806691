import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rename, rm, rmdir, stat, type FileHandle, chmod, utimes } from 'node:fs/promises';
import { posix } from 'node:path';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import type { ApplianceRuntime } from './appliance.js';
import { noteApplianceEvent } from './appliance-events.js';
import { forgetCommandDirectoriesUnder } from './command-directories.js';
import { onDisk } from './appliance-files.js';
import { applyLatency, diskFullAt } from './faults.js';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface OpenFile {
  readonly kind: 'file';
  readonly path: string;
  /** The path as the client named it, on the appliance. */
  readonly appliancePath: string;
  readonly file: FileHandle;
}

interface OpenDirectory {
  readonly kind: 'directory';
  readonly path: string;
  entries: string[] | undefined;
}

function attributes(s: Stats): Attributes {
  return { mode: s.mode, uid: 0, gid: 0, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

function longname(name: string, s: Stats): string {
  const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  let perms = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const b = (s.mode >> shift) & 7;
    perms += (b & 4 ? 'r' : '-') + (b & 2 ? 'w' : '-') + (b & 1 ? 'x' : '-');
  }
  const d = s.mtime;
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${perms}    1 root     root     ${String(s.size).padStart(8, ' ')} ${when} ${name}`;
}

function statusOf(error: unknown): [number, string] {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return [STATUS_CODE.NO_SUCH_FILE, 'No such file'];
  if (code === 'EACCES' || code === 'EPERM') return [STATUS_CODE.PERMISSION_DENIED, 'Permission denied'];
  if (code === 'ENOSPC') return [STATUS_CODE.FAILURE, 'No space left on device'];
  return [STATUS_CODE.FAILURE, (error as Error).message];
}

function openFlags(flags: number): number {
  let mode = flags & OPEN_MODE.READ && flags & OPEN_MODE.WRITE ? constants.O_RDWR : flags & OPEN_MODE.WRITE ? constants.O_WRONLY : constants.O_RDONLY;
  if (flags & OPEN_MODE.APPEND) mode |= constants.O_APPEND;
  if (flags & OPEN_MODE.CREAT) mode |= constants.O_CREAT;
  if (flags & OPEN_MODE.TRUNC) mode |= constants.O_TRUNC;
  if (flags & OPEN_MODE.EXCL) mode |= constants.O_EXCL;
  return mode;
}

/**
 * Serves SFTP as root over an appliance's directory tree (the `direct` strategy): every path is
 * resolved inside the appliance's `/`, owners show as `root` (uid 0), the `diskFull` fault fails
 * writes to the data partition with `No space left on device`, and the `latencyMs` fault delays every operation.
 * Opening for writing and renaming are write events for armed faults.
 *
 * @param appliance - the appliance
 * @param sftp - the accepted SFTP session
 */
export function serveSftp(appliance: ApplianceRuntime, sftp: SFTPWrapper): void {
  const handles = new Map<number, OpenFile | OpenDirectory>();
  let next = 1;
  const onAppliance = (path: string): string => posix.resolve('/root', path);
  const real = (path: string): string => onDisk(appliance.info.root, onAppliance(path));
  const handleOf = (buffer: Buffer): OpenFile | OpenDirectory | undefined => (buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined);
  const newHandle = (entry: OpenFile | OpenDirectory): Buffer => {
    const id = next++;
    handles.set(id, entry);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id, 0);
    return buffer;
  };
  const run = (reqId: number, action: () => Promise<void>): void => {
    void applyLatency(appliance.faults)
      .then(action)
      .catch((error: unknown) => {
        const [code, message] = statusOf(error);
        sftp.status(reqId, code, message);
      });
  };
  const setAttributes = async (path: string, attrs: Attributes): Promise<void> => {
    if (attrs.mode !== undefined) await chmod(path, attrs.mode & 0o7777);
    if (attrs.atime !== undefined && attrs.mtime !== undefined) await utimes(path, attrs.atime, attrs.mtime);
  };

  sftp.on('OPEN', (reqId, filename, flags, attrs) =>
    run(reqId, async () => {
      const path = real(filename);
      const writing = (flags & OPEN_MODE.WRITE) !== 0;
      if (writing) noteApplianceEvent(appliance, { event: 'write', path: onAppliance(filename), timing: 'before' });
      const file = await open(path, openFlags(flags), attrs.mode === undefined ? 0o644 : attrs.mode & 0o7777);
      if (writing) noteApplianceEvent(appliance, { event: 'write', path: onAppliance(filename), timing: 'after' });
      sftp.handle(reqId, newHandle({ kind: 'file', path, appliancePath: onAppliance(filename), file }));
    }),
  );
  sftp.on('READ', (reqId, handle, offset, length) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      const buffer = Buffer.alloc(Math.min(length, 256 * 1024));
      const { bytesRead } = await entry.file.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, buffer.subarray(0, bytesRead));
    }),
  );
  sftp.on('WRITE', (reqId, handle, offset, data) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      if (data.length > 0 && diskFullAt(appliance.faults, entry.appliancePath)) return sftp.status(reqId, STATUS_CODE.FAILURE, 'No space left on device');
      await entry.file.write(data, 0, data.length, offset);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('CLOSE', (reqId, handle) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      handles.delete(handle.readUInt32BE(0));
      if (entry.kind === 'file') await entry.file.close();
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSTAT', (reqId, handle) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      sftp.attrs(reqId, attributes(entry.kind === 'file' ? await entry.file.stat() : await stat(entry.path)));
    }),
  );
  sftp.on('FSETSTAT', (reqId, handle, attrs) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      await setAttributes(entry.path, attrs);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('STAT', (reqId, path) => run(reqId, async () => sftp.attrs(reqId, attributes(await stat(real(path))))));
  sftp.on('LSTAT', (reqId, path) => run(reqId, async () => sftp.attrs(reqId, attributes(await lstat(real(path))))));
  sftp.on('SETSTAT', (reqId, path, attrs) =>
    run(reqId, async () => {
      await setAttributes(real(path), attrs);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('OPENDIR', (reqId, path) =>
    run(reqId, async () => {
      const full = real(path);
      if (!(await stat(full)).isDirectory()) return sftp.status(reqId, STATUS_CODE.FAILURE, 'Not a directory');
      sftp.handle(reqId, newHandle({ kind: 'directory', path: full, entries: undefined }));
    }),
  );
  sftp.on('READDIR', (reqId, handle) =>
    run(reqId, async () => {
      const entry = handleOf(handle);
      if (entry?.kind !== 'directory') return sftp.status(reqId, STATUS_CODE.FAILURE, 'bad handle');
      if (entry.entries !== undefined && entry.entries.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
      entry.entries ??= ['.', '..', ...(await readdir(entry.path)).sort()];
      const batch = entry.entries.splice(0, 100);
      const names: FileEntry[] = await Promise.all(
        batch.map(async (name) => {
          const s = await lstat(posix.join(entry.path, name));
          return { filename: name, longname: longname(name, s), attrs: attributes(s) };
        }),
      );
      sftp.name(reqId, names);
    }),
  );
  sftp.on('REMOVE', (reqId, path) =>
    run(reqId, async () => {
      forgetCommandDirectoriesUnder(appliance, onAppliance(path));
      await rm(real(path));
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('RMDIR', (reqId, path) =>
    run(reqId, async () => {
      forgetCommandDirectoriesUnder(appliance, onAppliance(path));
      await rmdir(real(path));
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('MKDIR', (reqId, path, attrs) =>
    run(reqId, async () => {
      forgetCommandDirectoriesUnder(appliance, onAppliance(path));
      await mkdir(real(path), { mode: attrs.mode ?? 0o755 });
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('RENAME', (reqId, from, to) =>
    run(reqId, async () => {
      noteApplianceEvent(appliance, { event: 'write', path: onAppliance(to), timing: 'before' });
      for (const changed of [from, to]) forgetCommandDirectoriesUnder(appliance, onAppliance(changed));
      await rename(real(from), real(to));
      noteApplianceEvent(appliance, { event: 'write', path: onAppliance(to), timing: 'after' });
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('READLINK', (reqId, path) =>
    run(reqId, async () => {
      const target = await readlink(real(path));
      sftp.name(reqId, [{ filename: target, longname: target, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('REALPATH', (reqId, path) =>
    run(reqId, async () => {
      const resolved = posix.resolve('/root', path === '' ? '.' : path);
      sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('SYMLINK', (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'symlinks are not supported by the lab'));
  sftp.on('close', () => {
    for (const entry of handles.values()) if (entry.kind === 'file') void entry.file.close().catch(() => undefined);
    handles.clear();
  });
}
