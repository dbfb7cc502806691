import { Argument, Command } from 'commander';
import type { CliIo } from '../cli-io.js';

/** The shells `sftunnel-ca completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** How to load each shell's script, for the help. */
export const COMPLETION_INSTALL = `
Load it in the running shell, or install it for good:
  bash  $ source <(sftunnel-ca completion bash)
        $ sftunnel-ca completion bash > ~/.local/share/bash-completion/completions/sftunnel-ca
  zsh   $ source <(sftunnel-ca completion zsh)          # after compinit
        $ sftunnel-ca completion zsh > "\${fpath[1]}/_sftunnel-ca"
  fish  $ sftunnel-ca completion fish | source
        $ sftunnel-ca completion fish > ~/.config/fish/completions/sftunnel-ca.fish
`;

/**
 * `sftunnel-ca completion <shell>`: prints the shell's completion script, generated from the
 * program's own command definitions (see `commandTree`), so it never drifts from them.
 */
export function completionCommand(io: CliIo): Command {
  return new Command('completion')
    .summary('print the shell completion script (bash, zsh or fish)')
    .description('Print a completion script for the shell: commands, options, their choices, and files where a file is named. It is generated from the commands themselves.')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .addHelpText('after', COMPLETION_INSTALL)
    .action(async (shell: CompletionShell, _options: object, command: Command) => {
      const [{ commandTree }, generators] = await Promise.all([import('./command-tree.js'), import('./completion-scripts.js')]);
      io.stdout.write(generators.COMPLETION_SCRIPTS[shell](commandTree(command.parent ?? command)));
    });
}
