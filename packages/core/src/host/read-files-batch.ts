import { randomBytes } from 'node:crypto';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from './host.js';
import { shellWord } from './shell-word.js';
import { refuseSymlinksCommand, symlinkRefusal } from './symlink-guard.js';

/** Options of {@link readFilesInFewCommands}. */
export interface ReadFilesOptions {
  /** The step, for errors. */
  readonly step: string;
  /** Cancels the reads. */
  readonly signal?: AbortSignal;
  /** Files read by one command; default 75 (about 150 KB of PEM). */
  readonly filesPerCommand?: number;
  /**
   * Refuse (`DEVICE_PATH_SYMLINK`) when a level of a path (a directory on the way or the file) is a
   * symbolic link, in the command that reads, instead of reading through it: for files about to be
   * replaced. Default false.
   */
  readonly refuseSymlinks?: boolean;
}

/**
 * Reads many text files of one host in a few commands instead of one round trip per file: each
 * file that exists is printed after a marker line holding a random token and the file's index, so
 * no file's content can pass for a marker. Files that do not exist are absent from the result.
 *
 * @param host - the host
 * @param paths - absolute paths
 * @param options - the step for errors, a signal, the batch size
 * @returns each existing file's text (UTF-8), by path
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when {@link ReadFilesOptions.refuseSymlinks} is set and a level of a path is a symbolic link, `COMMAND_FAILED` when a file exists but cannot be read
 */
export async function readFilesInFewCommands(host: Host, paths: readonly string[], options: ReadFilesOptions): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const perCommand = options.filesPerCommand ?? 75;
  for (let start = 0; start < paths.length; start += perCommand) {
    const batch = paths.slice(start, start + perCommand);
    const marker = `==> sftunnel-ca ${randomBytes(8).toString('hex')} `;
    const script = batch.map((path, i) => {
      const word = shellWord(path);
      return `if [ -e ${word} ] || [ -L ${word} ]; then printf '\\n%s\\n' '${marker}${i}' && cat -- ${word} || { echo ${word} >&2; exit 3; }; fi`;
    });
    if (options.refuseSymlinks === true) script.unshift(`${refuseSymlinksCommand(batch)} || exit $?`);
    const result = await host.run(script.join('\n'), options.signal === undefined ? {} : { signal: options.signal });
    const refused = options.refuseSymlinks === true ? symlinkRefusal(result, host.name, options.step) : undefined;
    if (refused !== undefined) throw refused;
    if (result.code !== 0) {
      const said = (result.stderr || result.stdout).trim().slice(0, 200);
      throw new SftunnelCaError('COMMAND_FAILED', `reading ${batch.length} files on ${host.name} exited ${result.code}: ${said}`, { host: host.name, step: options.step });
    }
    // Each file follows a newline and its marker line: the newline before a marker is ours, so a file's own last byte is kept.
    for (const part of result.stdout.split(`\n${marker}`).slice(1)) {
      const newline = part.indexOf('\n');
      const path = batch[Number(part.slice(0, newline))];
      if (path !== undefined) texts.set(path, part.slice(newline + 1));
    }
  }
  return texts;
}
