import { posix } from 'node:path';
import type { IFileSystem } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';

/** Per appliance: whether each directory of the shell's `PATH` exists, once asked. */
const known = new WeakMap<ApplianceRuntime, Map<string, Promise<boolean>>>();
/** Per appliance: the same answers once settled (read synchronously by {@link commandDirectoriesMissing}). */
const settled = new WeakMap<ApplianceRuntime, Map<string, boolean>>();

function settledOf(appliance: ApplianceRuntime): Map<string, boolean> {
  let answers = settled.get(appliance);
  if (answers === undefined) {
    answers = new Map();
    settled.set(appliance, answers);
  }
  return answers;
}

function answersOf(appliance: ApplianceRuntime): Map<string, Promise<boolean>> {
  let answers = known.get(appliance);
  if (answers === undefined) {
    answers = new Map();
    known.set(appliance, answers);
  }
  return answers;
}

/**
 * `exists` for a simulated shell that remembers, per appliance, whether the directories of the
 * shell's `PATH` exist. just-bash looks every command up in each of them (eight `exists` a
 * command, each a walk of real paths checking for symlinks): a third of the lab's CPU per device
 * before this. Every other path is asked of the file system each time.
 *
 * @param appliance - the appliance whose answers are shared
 * @param fs - the file system that answers
 * @param directories - the directories of `PATH`
 */
export function commandLookupExists(appliance: ApplianceRuntime, fs: IFileSystem, directories: readonly string[]): (path: string) => Promise<boolean> {
  const lookup = new Set(directories);
  const answers = answersOf(appliance);
  const settledAnswers = settledOf(appliance);
  return (path) => {
    const directory = lookup.has(path) ? path : posix.dirname(path);
    if (!lookup.has(directory)) return fs.exists(path);
    let present = answers.get(directory);
    if (present === undefined) {
      const asked = fs.exists(directory);
      present = asked;
      answers.set(directory, asked);
      // Kept only if nothing was forgotten meanwhile (the answer still the current one).
      asked.then((found) => answers.get(directory) === asked && settledAnswers.set(directory, found), () => undefined);
    }
    return present.then((found) => found && (directory === path || fs.exists(path)));
  };
}

/**
 * `stat` for a simulated shell that answers a path in a `PATH` directory known to be missing without
 * asking the file system (see {@link commandLookupExists}). just-bash hashes each command it found
 * (`/usr/bin/<name>` for its own) and, at the command's next use in the same script, stats that path
 * first: on an appliance without those directories, a walk of real paths and an error each time.
 * The error is the file system's (`ENOENT: no such file or directory, stat '<path>'`).
 *
 * @param appliance - the appliance whose answers are shared
 * @param fs - the file system that answers
 * @param directories - the directories of `PATH`
 */
export function commandLookupStat(appliance: ApplianceRuntime, fs: IFileSystem, directories: readonly string[]): IFileSystem['stat'] {
  const lookup = new Set(directories);
  const answers = answersOf(appliance);
  return (path) => {
    const present = lookup.has(posix.dirname(path)) ? answers.get(posix.dirname(path)) : undefined;
    if (present === undefined) return fs.stat(path);
    return present.then((found) => (found ? fs.stat(path) : Promise.reject(missing(path))));
  };
}

/** The file system's error for a missing path, without a stack trace (just-bash drops it; capturing one was most of its cost). */
function missing(path: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Error(`ENOENT: no such file or directory, stat '${path}'`);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * `commandDirectoriesMissing` for a simulated shell (the patched just-bash's hook, see
 * patches/just-bash@3.4.2.patch): true when every one of the directories is a `PATH` directory
 * already found missing on this appliance. just-bash then skips its walk of `PATH` for a command
 * (eight awaited `exists` and, for a hashed command, a failing `stat`): on an appliance without any
 * of those directories its answer is its own command, or none. Anything unknown gives false, and
 * just-bash walks as before (which asks, and remembers).
 *
 * @param appliance - the appliance whose answers are shared
 * @param directories - the directories of `PATH`
 */
export function commandDirectoriesMissing(appliance: ApplianceRuntime, directories: readonly string[]): (asked: readonly string[]) => boolean {
  const lookup = new Set(directories);
  const settledAnswers = settledOf(appliance);
  return (asked) => {
    for (const directory of asked) if (!lookup.has(directory) || settledAnswers.get(directory) !== false) return false;
    return true;
  };
}

/**
 * Forgets what was remembered of `PATH` directories at or below a changed path (one written,
 * created, moved or removed, by a shell or over SFTP), so the next lookup asks again.
 *
 * @param appliance - the appliance
 * @param changed - the changed path on the appliance (absolute)
 */
export function forgetCommandDirectoriesUnder(appliance: ApplianceRuntime, changed: string): void {
  const resolved = posix.resolve('/', changed);
  const under = (directory: string): boolean => directory === resolved || directory.startsWith(`${resolved === '/' ? '' : resolved}/`);
  const answers = known.get(appliance);
  if (answers !== undefined) for (const directory of answers.keys()) if (under(directory)) answers.delete(directory);
  const settledAnswers = settled.get(appliance);
  if (settledAnswers !== undefined) for (const directory of settledAnswers.keys()) if (under(directory)) settledAnswers.delete(directory);
}
