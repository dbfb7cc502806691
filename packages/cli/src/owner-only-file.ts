import { CliUsageError } from './cli-usage-error.js';
import { readInputFile } from './input-file.js';

/** The largest secret file read: a password or a private key is a few KiB at most. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/**
 * Reads a secret file (a password or a private key), refusing one that others can read: it must
 * be like mode 0600. Only a regular file of at most {@link SECRET_FILE_MAX_BYTES} is read: a
 * FIFO, socket or device, or anything under `/proc` or `/sys`, is refused; a symbolic link is
 * followed and its target's mode is the one checked. With `standardInput`, `-` reads it (a pipe,
 * which others cannot read), at most as many bytes.
 *
 * @param path - the file
 * @param what - the option or inventory cell that named it, for errors
 * @param standardInput - where `-` reads from; without it (inventory cells), `-` is a file of that name
 */
export function readOwnerOnlyFile(path: string, what: string, standardInput?: NodeJS.ReadableStream): Promise<string> {
  return readInputFile(path, what, {
    ...(standardInput === undefined ? {} : { standardInput }),
    regularFileOnly: true,
    maxBytes: SECRET_FILE_MAX_BYTES,
    check: ({ mode }, target) => {
      if ((mode & 0o077) !== 0) {
        const shown = target === path ? path : `${path} (a link to ${target})`;
        throw new CliUsageError(`${what}: ${shown} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${target}`);
      }
    },
  });
}
