import { ReadWriteFs, type IFileSystem } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';
import { diskFullError } from './faults.js';

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

/**
 * The file system a simulated shell of an appliance sees: the appliance's real directory tree,
 * read-only for `admin` (the appliance's files belong to root), and, under the `diskFull` fault,
 * failing every write of content with `ENOSPC` (truncating to empty still works, as on a full disk).
 *
 * @param appliance - the appliance
 * @param writable - whether the user may change files (root)
 */
export function applianceFileSystem(appliance: ApplianceRuntime, writable: boolean): IFileSystem {
  const inner = new ReadWriteFs({ root: appliance.info.root });
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (!MUTATIONS.has(name)) return (value as (...args: unknown[]) => unknown).bind(target);
      return (...args: unknown[]): unknown => {
        const path = String(args[name === 'cp' || name === 'link' || name === 'symlink' ? 1 : 0]);
        if (!writable) return Promise.reject(permissionDenied(path));
        if (appliance.faults.diskFull === true && CONTENT_WRITES.has(name) && (name === 'cp' || contentLength(args[1]) > 0)) {
          return Promise.reject(diskFullError(path));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The message bash prints for a file-system error thrown out of a redirection. */
export function shellErrorMessage(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const path = /'([^']*)'/.exec(String((error as Error | undefined)?.message ?? ''))?.[1] ?? '';
  if (code === 'ENOSPC') return `bash: ${path}: No space left on device\n`;
  if (code === 'EACCES' || code === 'EPERM') return `bash: ${path}: Permission denied\n`;
  if (code === 'ENOENT') return `bash: ${path}: No such file or directory\n`;
  return undefined;
}
