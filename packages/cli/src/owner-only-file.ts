import { readFile, stat } from 'node:fs/promises';
import { CliUsageError } from './cli-usage-error.js';

/**
 * Reads a secret file (a password or a private key), refusing one that others can read: it must
 * be like mode 0600.
 *
 * @param path - the file
 * @param what - the option or inventory cell that named it, for errors
 */
export async function readOwnerOnlyFile(path: string, what: string): Promise<string> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (cause) {
    throw new CliUsageError(`${what}: cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new CliUsageError(`${what}: ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`);
  }
  return readFile(path, 'utf8');
}
