import { everyCommand, type CompletionCommand, type CompletionValue } from './command-tree.js';

/** `text` as one single-quoted fish word: backslashes and quotes escaped. */
const fishWord = (text: string): string => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The `complete` flags that offer `value`: files (`-F`), directories, or the choices. */
function valueFlags(value: CompletionValue): string {
  switch (value.kind) {
    case 'file':
      return '-F';
    case 'directory':
      return "-f -a '(__fish_complete_directories)'";
    case 'choices':
      return `-f -a ${fishWord(value.choices.join(' '))}`;
    case 'text':
      return '-f';
  }
}

/**
 * The fish completion script of a program: its commands and subcommands with their summaries,
 * each one's options with descriptions, commander's choices for a value, local files and
 * directories for path values and arguments. Static: completing never runs the program. Which
 * (sub)command a line names is worked out as commander reads it (an option's value is not a
 * command), so `lab status` and `status` keep their own options.
 *
 * @param tree - the program's {@link commandTree}
 */
export function fishCompletion(tree: CompletionCommand): string {
  const program = tree.name;
  const prefix = `__${program.replace(/\W/g, '_')}`;
  const commands = everyCommand(tree);
  const key = (command: CompletionCommand): string => command.path.join(' ');
  const at = (command: CompletionCommand): string => `-n ${fishWord(`${prefix}_at ${fishWord(key(command))}`)}`;
  const descend = commands.flatMap((command) => command.subcommands.map((sub) => `            case ${fishWord(`${key(command)}/${sub.name}`)}\n                set command ${fishWord(key(sub))}`));
  const valued = commands.flatMap((command) => command.options.filter((option) => option.value !== undefined).flatMap((option) => option.names.map((name) => fishWord(`${key(command)}/${name}`))));
  const lines = commands.flatMap((command) => [
    ...command.subcommands.map((sub) => `complete -c ${program} ${at(command)} -a ${fishWord(sub.name)} -d ${fishWord(sub.summary)}`),
    ...command.options.map((option) => {
      const names = option.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
      // -r: the option takes a value.
      return `complete -c ${program} ${at(command)} ${names}${option.value === undefined ? '' : ` -r ${valueFlags(option.value)}`} -d ${fishWord(option.description)}`;
    }),
    ...command.arguments.filter((argument) => argument.value.kind !== 'text').map((argument) => `complete -c ${program} ${at(command)} ${valueFlags(argument.value)} -d ${fishWord(argument.description)}`),
  ]);
  return `# fish completion for ${program}, generated from its command definitions by \`${program} completion fish\`.
# Load it now:   ${program} completion fish | source
# Or for good:   ${program} completion fish > ~/.config/fish/completions/${program}.fish

# The (sub)command the line names so far, as commander reads it: an option's value is not a command.
function ${prefix}_command
    set -l command ''
    set -l skip 0
    for word in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch "$command/$word"
${descend.join('\n')}
            case ${valued.length === 0 ? "''" : valued.join(' ')}
                set skip 1
        end
    end
    echo $command
end

function ${prefix}_at --argument-names command
    test "$(${prefix}_command)" = "$command"
end

complete -c ${program} -f
${lines.join('\n')}
`;
}
