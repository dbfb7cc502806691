import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { CliUsageError } from './cli-usage-error.js';

/** How a file named on the command line is read. */
export interface InputFileOptions {
  /** What to pass instead, appended to an error (e.g. `pass the CA certificate file (cacert.pem)`). */
  readonly remedy?: string;
  /** Refuses the file by its stats (e.g. its mode) before a byte of it is read; throws to refuse. */
  readonly check?: (stats: Stats) => void;
}

/** A file named on the command line that cannot be read: a usage error naming it and why. */
function unreadable(what: string, path: string, cause: unknown, remedy: string | undefined): CliUsageError {
  const why = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new CliUsageError(`${what}: cannot read ${path}: ${why}${remedy === undefined ? '' : `; ${remedy}`}`);
}

/**
 * Opens a file named on the command line for reading. Whatever makes it unreadable — missing,
 * a directory, no permission, or `options.check` refusing it — is a {@link CliUsageError} naming
 * the option and the file.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors (e.g. `--devices`)
 * @param options - a remedy for errors, a check of its stats
 */
export async function openInputFile(path: string, what: string, options: InputFileOptions = {}): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const stats = await handle.stat();
    if (stats.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    options.check?.(stats);
    return handle;
  } catch (cause) {
    await handle?.close();
    throw cause instanceof CliUsageError ? cause : unreadable(what, path, cause, options.remedy);
  }
}

/**
 * Reads a file named on the command line as UTF-8 text, with the errors of {@link openInputFile}.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors
 * @param options - a remedy for errors, a check of its stats
 */
export async function readInputFile(path: string, what: string, options: InputFileOptions = {}): Promise<string> {
  const handle = await openInputFile(path, what, options);
  try {
    return await handle.readFile('utf8');
  } catch (cause) {
    throw unreadable(what, path, cause, options.remedy);
  } finally {
    await handle.close();
  }
}
