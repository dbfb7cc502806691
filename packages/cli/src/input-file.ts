import { open, type FileHandle } from 'node:fs/promises';
import { CliUsageError } from './cli-usage-error.js';

/** A file named on the command line that cannot be read: a usage error naming it and why. */
function unreadable(what: string, path: string, cause: unknown, remedy: string | undefined): CliUsageError {
  const why = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new CliUsageError(`${what}: cannot read ${path}: ${why}${remedy === undefined ? '' : `; ${remedy}`}`);
}

/**
 * Opens a file named on the command line for reading. Whatever makes it unreadable — missing,
 * a directory, no permission — is a {@link CliUsageError} naming the option and the file.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors (e.g. `--devices`)
 * @param remedy - what to pass instead, appended to the error
 */
export async function openInputFile(path: string, what: string, remedy?: string): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    return handle;
  } catch (cause) {
    await handle?.close();
    throw unreadable(what, path, cause, remedy);
  }
}

/**
 * Reads a file named on the command line as UTF-8 text, with the errors of {@link openInputFile}.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors
 * @param remedy - what to pass instead, appended to the error
 */
export async function readInputFile(path: string, what: string, remedy?: string): Promise<string> {
  const handle = await openInputFile(path, what, remedy);
  try {
    return await handle.readFile('utf8');
  } catch (cause) {
    throw unreadable(what, path, cause, remedy);
  } finally {
    await handle.close();
  }
}
