import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { shellWord } from './shell-word.js';
import { refuseSymlinksCommand, symlinkRefusal } from './symlink-guard.js';

/**
 * The shell command that makes `directory` (and its parents) exist, itself mode 0700: where
 * staged keys and batch scripts live. Absolute paths only, so no `--` is needed. It does not look
 * for links: put a {@link refuseSymlinksCommand} of the paths in the same command before it.
 *
 * @param directory - an absolute path
 */
export function mkdirPrivateCommand(directory: string): string {
  return `mkdir -p ${shellWord(directory)} && chmod 700 ${shellWord(directory)}`;
}

/** Directories made per command: their links guard and `mkdir`s stay well within an SSH request's bound. */
const DIRECTORIES_PER_COMMAND = 50;

/**
 * Makes directories (and their parents) exist on a host, each mode 0700, a few commands in all.
 * Each command first refuses a symbolic link at any level of its directories, so nothing is made
 * through one (`mkdir -p` follows links).
 *
 * @param host - the host (the FMC, as root)
 * @param directories - absolute paths
 * @param step - the step, for errors
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level is a symbolic link (that command makes nothing), `COMMAND_FAILED` when `mkdir` fails
 */
export async function makePrivateDirectories(host: Host, directories: readonly string[], step: string): Promise<void> {
  for (let start = 0; start < directories.length; start += DIRECTORIES_PER_COMMAND) {
    const batch = directories.slice(start, start + DIRECTORIES_PER_COMMAND);
    const result = await host.run(`${refuseSymlinksCommand(batch)} && ${batch.map(mkdirPrivateCommand).join(' && ')}`);
    const refused = symlinkRefusal(result, host.name, step);
    if (refused !== undefined) throw refused;
    if (result.code !== 0) {
      throw new SftunnelCaError('COMMAND_FAILED', `making ${batch[0] ?? 'a directory'}${batch.length > 1 ? ` and ${batch.length - 1} more directories` : ''} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: host.name, step, file: batch[0] ?? '' });
    }
  }
}
