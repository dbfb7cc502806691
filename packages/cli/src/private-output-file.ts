import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CliUsageError } from './cli-usage-error.js';

/** Kernel file systems: never a place for an operator's file. */
const KERNEL_FILE_SYSTEMS = /^\/(?:proc|sys|dev)(?:\/|$)/;

/**
 * Checks a file a command will write (`plan --out`, `renew --report`) before anything is done: its
 * directory exists, and the path is not a directory nor under `/proc`, `/sys` or `/dev`. A
 * symbolic link is followed when written, as the operator named it.
 *
 * @param path - the option's value
 * @param option - the option, for errors (`--out`)
 * @returns the absolute path
 * @throws CliUsageError (exit 2) naming the option and why
 */
export async function checkOutputPath(path: string, option: string): Promise<string> {
  const absolute = resolve(path);
  if (path.trim() === '' || KERNEL_FILE_SYSTEMS.test(absolute)) throw new CliUsageError(`${option}: ${JSON.stringify(path)} is not a place to write a file; name a file in a directory of yours`);
  const directory = await stat(dirname(absolute)).catch(() => undefined);
  if (directory?.isDirectory() !== true) throw new CliUsageError(`${option}: the directory of ${path} does not exist; create it first or name a file in an existing directory`);
  const existing = await stat(absolute).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new CliUsageError(`${option}: ${path} is a directory; name a file`);
  return absolute;
}

/**
 * Writes a file only its owner can read (mode 0600 from its creation), atomically: readers see the
 * old content or the new, never a part (a temporary file beside it, synced, then renamed over it).
 *
 * @param path - from {@link checkOutputPath}
 * @param text - the content
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, { mode: 0o600, encoding: 'utf8' });
}
