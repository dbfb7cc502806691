import { bashCompletion } from './bash-completion.js';
import type { CompletionCommand } from './command-tree.js';
import type { CompletionShell } from './completion-command.js';
import { fishCompletion } from './fish-completion.js';
import { zshCompletion } from './zsh-completion.js';

/** The generator of each shell's completion script. */
export const COMPLETION_SCRIPTS: Readonly<Record<CompletionShell, (tree: CompletionCommand) => string>> = {
  bash: bashCompletion,
  zsh: zshCompletion,
  fish: fishCompletion,
};
