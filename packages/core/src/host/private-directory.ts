import { shellWord } from './shell-word.js';

/**
 * The shell command that makes `directory` (and its parents) exist, itself mode 0700: where
 * staged keys and batch scripts live. Absolute paths only, so no `--` is needed.
 *
 * @param directory - an absolute path
 */
export function mkdirPrivateCommand(directory: string): string {
  return `mkdir -p ${shellWord(directory)} && chmod 700 ${shellWord(directory)}`;
}
