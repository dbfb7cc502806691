import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { CliUsageError } from './cli-usage-error.js';
import { STANDARD_INPUT, readStandardInput } from './standard-input.js';

/** How a file named on the command line is read. */
export interface InputFileOptions {
  /** What to pass instead, appended to an error (e.g. `pass the CA certificate file (cacert.pem)`). */
  readonly remedy?: string;
  /**
   * Refuses the file by its stats (e.g. its mode) before a byte of it is read; throws to refuse.
   * The stats are the opened file's: for a symbolic link, its target's, whose path is `target`.
   */
  readonly check?: (stats: Stats, target: string) => void;
  /**
   * Only a regular file, read without blocking: a FIFO, socket or device is refused (a FIFO would
   * hang the run), and so is anything under `/proc` or `/sys` (e.g. `/proc/self/environ`, this
   * process's environment). Symbolic links are followed; the target is what is checked. For
   * secrets; default `false`.
   */
  readonly regularFileOnly?: boolean;
  /** Refuses a file larger than this many bytes (read at most that many); default no bound. */
  readonly maxBytes?: number;
  /**
   * Where `-` reads from instead of a file (at most `maxBytes`, default 1 MiB; `check` and
   * `regularFileOnly` do not apply to a pipe). Without it, `-` is a file of that name.
   */
  readonly standardInput?: NodeJS.ReadableStream;
}

/** Kernel file systems: their "files" are the state of processes and devices, never an operator's input. */
const KERNEL_FILE_SYSTEMS = /^\/(?:proc|sys)(?:\/|$)/;

/** A file named on the command line that cannot be read: a usage error naming it and why. */
function unreadable(what: string, path: string, cause: unknown, remedy: string | undefined): CliUsageError {
  const why = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new CliUsageError(`${what}: cannot read ${path}: ${why}${remedy === undefined ? '' : `; ${remedy}`}`);
}

/** `path`, and the file it links to when that is another. */
function named(path: string, target: string): string {
  return target === path ? path : `${path} (a link to ${target})`;
}

/** What kind of file `stats` is, in words. */
function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** `n` bytes in words: `64 KiB`, `2 MiB`. */
function sizeInWords(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * Opens a file named on the command line for reading. Whatever makes it unreadable — missing,
 * a directory, no permission, not a regular file or under `/proc` (with `regularFileOnly`), too
 * large, or `options.check` refusing it — is a {@link CliUsageError} naming the option and the file.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors (e.g. `--devices`)
 * @param options - a remedy for errors, a check of its stats, the rules for secrets
 */
export async function openInputFile(path: string, what: string, options: InputFileOptions = {}): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    let target = path;
    if (options.regularFileOnly === true) {
      target = await realpath(path);
      if (KERNEL_FILE_SYSTEMS.test(target)) {
        throw new CliUsageError(`${what}: ${named(path, target)} is under ${target.startsWith('/sys') ? '/sys' : '/proc'}, the kernel's view of processes and devices, not a file of yours; name a regular file (mode 0600) that holds only the secret`);
      }
    }
    // Without O_NONBLOCK, opening a FIFO waits for a writer: forever.
    const flags = options.regularFileOnly === true ? constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY : constants.O_RDONLY;
    handle = await open(path, flags);
    const stats = await handle.stat();
    if (stats.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    if (options.regularFileOnly === true && !stats.isFile()) {
      throw new CliUsageError(`${what}: ${named(path, target)} is ${fileKind(stats)}; name a regular file (mode 0600) that holds only the secret`);
    }
    if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
      throw new CliUsageError(`${what}: ${named(path, target)} is larger than ${sizeInWords(options.maxBytes)} (${stats.size} bytes); name the file that holds only what is asked`);
    }
    options.check?.(stats, target);
    return handle;
  } catch (cause) {
    await handle?.close();
    throw cause instanceof CliUsageError ? cause : unreadable(what, path, cause, options.remedy);
  }
}

/**
 * Reads a file named on the command line as UTF-8 text, with the errors of {@link openInputFile};
 * with `maxBytes`, at most that many bytes are read (a file that grows past it is refused); `-`
 * is standard input when `options.standardInput` is given.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors
 * @param options - a remedy for errors, a check of its stats, the rules for secrets
 */
export async function readInputFile(path: string, what: string, options: InputFileOptions = {}): Promise<string> {
  return (await readInputBytes(path, what, options)).toString('utf8');
}

/**
 * Reads a file named on the command line as bytes (to tell its encoding), with the errors and
 * bounds of {@link readInputFile}; `-` is standard input when `options.standardInput` is given.
 *
 * @param path - the file as given
 * @param what - the option or argument that named it, for errors
 * @param options - a remedy for errors, a check of its stats, the rules for secrets
 */
export async function readInputBytes(path: string, what: string, options: InputFileOptions = {}): Promise<Buffer> {
  if (path === STANDARD_INPUT && options.standardInput !== undefined) return readStandardInput(options.standardInput, what, options.maxBytes);
  const handle = await openInputFile(path, what, options);
  try {
    if (options.maxBytes === undefined) return await handle.readFile();
    const buffer = Buffer.alloc(options.maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > options.maxBytes) throw new CliUsageError(`${what}: ${path} grew past ${sizeInWords(options.maxBytes)} while it was read; name the file that holds only what is asked`);
    }
    return buffer.subarray(0, length);
  } catch (cause) {
    throw cause instanceof CliUsageError ? cause : unreadable(what, path, cause, options.remedy);
  } finally {
    await handle.close();
  }
}
