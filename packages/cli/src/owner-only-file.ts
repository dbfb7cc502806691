import { CliUsageError } from './cli-usage-error.js';
import { readInputFile } from './input-file.js';

/**
 * Reads a secret file (a password or a private key), refusing one that others can read: it must
 * be like mode 0600.
 *
 * @param path - the file
 * @param what - the option or inventory cell that named it, for errors
 */
export function readOwnerOnlyFile(path: string, what: string): Promise<string> {
  return readInputFile(path, what, {
    check: ({ mode }) => {
      if ((mode & 0o077) !== 0) {
        throw new CliUsageError(`${what}: ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`);
      }
    },
  });
}
