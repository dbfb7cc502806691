import { ReadWriteFs, type IFileSystem } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';
import type { FileModeMask } from './shell-user.js';
import { noteApplianceEvent } from './appliance-events.js';
import { commandDirectoriesMissing, commandLookupExists, commandLookupStat, forgetCommandDirectoriesUnder } from './command-directories.js';
import { diskFullAt, diskFullError } from './faults.js';

const MUTATIONS = new Set(['writeFile', 'appendFile', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'symlink', 'link', 'utimes']);
const CONTENT_WRITES = new Set(['writeFile', 'appendFile', 'cp']);

function permissionDenied(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`EACCES: permission denied, open '${path}'`);
  error.code = 'EACCES';
  return error;
}

function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (content instanceof Uint8Array) return content.byteLength;
  return 0;
}

/** A shell's file system, with the directories its path checks found while one script runs (see {@link ReadWriteFs.verifiedDirectories}). */
export type ApplianceFileSystem = IFileSystem & Pick<ReadWriteFs, 'verifiedDirectories'>;

/**
 * The file system a simulated shell of an appliance sees: the appliance's real directory tree,
 * read-only for `admin` (the appliance's files belong to root), and, under the `diskFull` fault,
 * failing writes of content to the data partition with `ENOSPC` (truncating to empty still works,
 * as on a full disk). Files it creates get mode `0666` less the session's umask. Writes to
 * `/dev/null` are swallowed. Every change
 * is an event for armed faults (a write to its path, or to its destination for `cp` and `mv`).
 *
 * @param appliance - the appliance
 * @param writable - whether the user may change files (root)
 * @param umask - the session's umask
 * @param commandDirectories - the directories of the shell's `PATH` (see {@link commandLookupExists})
 */
export function applianceFileSystem(appliance: ApplianceRuntime, writable: boolean, umask: FileModeMask, commandDirectories: readonly string[]): ApplianceFileSystem {
  const inner = new ReadWriteFs({ root: appliance.info.root });
  const exists = commandLookupExists(appliance, inner, commandDirectories);
  const stat = commandLookupStat(appliance, inner, commandDirectories);
  const missing = commandDirectoriesMissing(appliance, commandDirectories);
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'exists') return exists;
      if (property === 'stat') return stat;
      if (property === 'commandDirectoriesMissing') return missing;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (!MUTATIONS.has(name)) return (value as (...args: unknown[]) => unknown).bind(target);
      return (...args: unknown[]): unknown => {
        const path = String(args[name === 'cp' || name === 'link' || name === 'symlink' ? 1 : 0]);
        // /dev/null swallows what is written to it, whoever writes (never a file in the appliance's tree).
        if ((name === 'writeFile' || name === 'appendFile') && path === '/dev/null') return Promise.resolve();
        if (!writable) return Promise.reject(permissionDenied(path));
        const written = name === 'mv' ? String(args[1]) : path;
        for (const changed of name === 'mv' ? [String(args[0]), written] : [written]) forgetCommandDirectoriesUnder(appliance, changed);
        noteApplianceEvent(appliance, { event: 'write', path: written, timing: 'before' });
        if (CONTENT_WRITES.has(name) && (name === 'cp' || contentLength(args[1]) > 0) && diskFullAt(appliance.faults, path)) {
          const error = diskFullError(path);
          // Thrown out of a redirection, the message is what bash prints (see redirection-failure.ts); cp words its own.
          if (name !== 'cp') error.message = `bash: ${path}: No space left on device`;
          return Promise.reject(error);
        }
        const apply = (): Promise<unknown> =>
          Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)).then((outcome) => {
            noteApplianceEvent(appliance, { event: 'write', path: written, timing: 'after' });
            return outcome;
          });
        if (!CONTENT_WRITES.has(name) || name === 'cp') return apply();
        return target.exists(path).then(async (existed) => {
          await apply();
          if (!existed) await target.chmod(path, 0o666 & ~umask.value);
        });
      };
    },
  });
}

/** The message bash prints for a file-system error thrown out of a redirection. */
export function shellErrorMessage(error: unknown): string | undefined {
  const message = String((error as Error | undefined)?.message ?? '');
  if (message.startsWith('bash: ')) return `${message}\n`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const path = /'([^']*)'/.exec(message)?.[1] ?? '';
  if (code === 'EACCES' || code === 'EPERM') return `bash: ${path}: Permission denied\n`;
  if (code === 'ENOENT') return `bash: ${path}: No such file or directory\n`;
  return undefined;
}
