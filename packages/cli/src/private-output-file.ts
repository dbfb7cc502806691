import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliUsageError } from './cli-usage-error.js';

/** Kernel file systems: never a place for an operator's file. */
const KERNEL_FILE_SYSTEMS = /^\/(?:proc|sys|dev)(?:\/|$)/;

/**
 * Checks a file a command will write (`plan --out`, `renew --report`) before anything is done: its
 * directory exists, and the path is not a directory nor under `/proc`, `/sys` or `/dev`. A
 * symbolic link standing at the name is replaced by the file, never written through.
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
 * old content or the new, never a part (a new temporary file beside it, synced, then renamed over
 * the name, replacing whatever stood there, a symbolic link included).
 *
 * @param path - from {@link checkOutputPath}
 * @param text - the content
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600); // a new file, never through a link standing there
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
}
