import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { CommandResult } from './host.js';
import { shellWord } from './shell-word.js';

/** The exit status of a command stopped by {@link refuseSymlinksCommand}. */
export const SYMLINK_REFUSED_STATUS = 86;

/** The line {@link refuseSymlinksCommand} prints on standard error before the path it refused. */
const MARKER = 'sftunnel-ca refuses a symbolic link: ';

/**
 * Every level of each path: its ancestors below `/` and the path itself, each once, shallowest
 * first.
 */
function levelsOf(paths: readonly string[]): string[] {
  const levels = new Set<string>();
  for (const path of paths) {
    const parts = posix.normalize(path).split('/').filter((part) => part !== '');
    for (let i = 1; i <= parts.length; i++) levels.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...levels];
}

/**
 * A shell command that exits `SYMLINK_REFUSED_STATUS` (86), naming the path on standard error,
 * when any level of any of `paths` (an ancestor directory or the file itself) is a symbolic link,
 * and succeeds otherwise. Put at the start of the command that writes (`guard && write…`), so
 * nothing is written through a link: the check and the write are one command.
 *
 * @param paths - absolute paths about to be written, read for a copy, or renamed
 * @returns the command (`true` for no paths)
 */
export function refuseSymlinksCommand(paths: readonly string[]): string {
  const levels = levelsOf(paths);
  if (levels.length === 0) return 'true';
  // One loop over the levels: a command line stays small (an SSH request, and a shell's, is bounded) for a batch of many files.
  return `for __sftca_l in ${levels.map(shellWord).join(' ')}; do [ ! -L "$__sftca_l" ] || { printf '%s%s\\n' ${shellWord(MARKER)} "$__sftca_l" >&2; exit ${SYMLINK_REFUSED_STATUS}; }; done`;
}

/**
 * The `DEVICE_PATH_SYMLINK` error of a command stopped by {@link refuseSymlinksCommand}, or
 * `undefined` when it was not.
 *
 * @param result - the command's result
 * @param host - the appliance's name, for the message
 * @param step - the step, for the error
 */
export function symlinkRefusal(result: CommandResult, host: string, step: string): SftunnelCaError | undefined {
  if (result.code !== SYMLINK_REFUSED_STATUS) return undefined;
  const line = `${result.stderr}\n${result.stdout}`.split('\n').find((l) => l.includes(MARKER));
  if (line === undefined) return undefined;
  const path = line.slice(line.indexOf(MARKER) + MARKER.length).trim();
  return new SftunnelCaError('DEVICE_PATH_SYMLINK', `${path} on ${host} is a symbolic link: nothing was written through it`, { host, step, file: path });
}
