import { everyCommand, type CompletionArgument, type CompletionCommand, type CompletionValue } from './command-tree.js';
import { shellWord } from './shell-word.js';

/** The key a command is known by in the script: its path, space-joined (`''` for the program, `lab up`). */
const keyOf = (command: CompletionCommand): string => command.path.join(' ');

/** The bash statement that completes a value of `value`'s kind from `$cur`. */
function completeValue(value: CompletionValue): string {
  switch (value.kind) {
    case 'file':
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")';
    case 'directory':
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur")';
    case 'choices':
      return `mapfile -t COMPREPLY < <(compgen -W ${shellWord(value.choices.join(' '))} -- "$cur")`;
    case 'text':
      return 'COMPREPLY=()';
  }
}

/** The case arm completing the positional argument a command is at (`$positional`, from 0), if it takes any. */
function argumentArm(command: CompletionCommand): string[] {
  const { arguments: positional } = command;
  if (positional.length === 0) return [];
  const tests = positional.map((argument: CompletionArgument, index) => {
    const at = index === positional.length - 1 && argument.variadic ? `positional >= ${index}` : `positional == ${index}`;
    return `if ((${at})); then ${completeValue(argument.value)}; return; fi`;
  });
  return [`    ${shellWord(keyOf(command))}) ${tests.join('; ')} ;;`];
}

/**
 * The bash completion script of a program: its commands and subcommands, each one's options,
 * commander's choices for a value, local files and directories for path values and arguments.
 * Static: completing never runs the program.
 *
 * @param tree - the program's {@link commandTree}
 */
export function bashCompletion(tree: CompletionCommand): string {
  const program = tree.name;
  const fn = `_${program.replace(/\W/g, '_')}_completion`;
  const commands = everyCommand(tree);
  const descend = commands.flatMap((command) => command.subcommands.map((sub) => `      ${shellWord(`${keyOf(command)}/${sub.name}`)}) command=${shellWord(keyOf(sub))}; positional=0 ;;`));
  const valued = commands.flatMap((command) => {
    const names = command.options.filter((option) => option.value !== undefined).flatMap((option) => option.names.map((name) => shellWord(`${keyOf(command)}/${name}`)));
    return names.length === 0 ? [] : [`      ${names.join('|')}) skip=1 ;;`];
  });
  const values = commands.flatMap((command) =>
    command.options.flatMap((option) => (option.value === undefined ? [] : [`    ${option.names.map((name) => shellWord(`${keyOf(command)}/${name}`)).join('|')}) ${completeValue(option.value)}; return ;;`])),
  );
  const words = commands.map((command) => {
    const options = command.options.flatMap((option) => option.names).join(' ');
    const subcommands = command.subcommands.map((sub) => sub.name).join(' ');
    return `    ${shellWord(keyOf(command))}) options=${shellWord(options)}; subcommands=${shellWord(subcommands)} ;;`;
  });
  return `# bash completion for ${program}, generated from its command definitions by \`${program} completion bash\`.
# Load it now:     source <(${program} completion bash)
# Or for good:     ${program} completion bash > ~/.local/share/bash-completion/completions/${program}
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local command='' word i positional=0 skip=0 options='' subcommands=''
  # Which (sub)command the words so far name; the words after an option that takes a value are its value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    case "$command/$word" in
${descend.join('\n')}
${valued.join('\n')}
      */-*) ;;
      *) positional=$((positional + 1)) ;;
    esac
  done
  case "$command/$prev" in
${values.join('\n')}
  esac
  case "$command" in
${words.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    return
  fi
  if [[ -n $subcommands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
    return
  fi
  case "$command" in
${commands.flatMap(argumentArm).join('\n')}
  esac
  COMPREPLY=()
}
complete -F ${fn} ${program}
`;
}
