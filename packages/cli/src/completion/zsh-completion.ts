import type { CompletionArgument, CompletionCommand, CompletionOption, CompletionValue } from './command-tree.js';
import { shellWord } from './shell-word.js';

/** The zsh function completing `command`: `_sftunnel-ca`, `_sftunnel-ca__lab__up`. */
const functionOf = (program: string, command: CompletionCommand): string => [`_${program}`, ...command.path].join('__');

/** Text inside an `_arguments` description (`[…]`): brackets and backslashes escaped. */
const described = (text: string): string => text.replace(/[\\[\]]/g, (c) => `\\${c}`);

/** Text of an `_arguments` message or `_describe` entry: colons and backslashes escaped. */
const messaged = (text: string): string => text.replace(/[\\:]/g, (c) => `\\${c}`);

/** The `_arguments` action completing `value`. */
function actionOf(value: CompletionValue): string {
  switch (value.kind) {
    case 'file':
      return '_files';
    case 'directory':
      return '_files -/';
    case 'choices':
      return `(${value.choices.join(' ')})`;
    case 'text':
      return ' ';
  }
}

/** The `_arguments` specs of one option: one per name, each excluding the others unless it repeats. */
function optionSpecs(option: CompletionOption): string[] {
  const exclusion = option.repeatable ? '*' : option.names.length > 1 ? `(${option.names.join(' ')})` : '';
  const value = option.value === undefined ? '' : `:${messaged(option.placeholder ?? 'value')}:${actionOf(option.value)}`;
  return option.names.map((name) => shellWord(`${exclusion}${name}[${described(option.description)}]${value}`));
}

/** The `_arguments` spec of a positional argument (`1:inventory:_files`, `*:log:_files`). */
function argumentSpec(argument: CompletionArgument, index: number): string {
  const position = argument.variadic ? '*' : String(index + 1);
  return shellWord(`${position}${argument.required ? '' : ':'}:${messaged(argument.name)}:${actionOf(argument.value)}`);
}

/** The zsh function of one command, and those of its subcommands after it. */
function commandFunctions(program: string, command: CompletionCommand): string[] {
  const specs = command.options.flatMap(optionSpecs);
  const name = functionOf(program, command);
  if (command.subcommands.length === 0) {
    return [`${name}() {\n  _arguments -s \\\n    ${[...specs, ...command.arguments.map(argumentSpec)].join(' \\\n    ')}\n}`];
  }
  const entries = command.subcommands.map((sub) => shellWord(`${messaged(sub.name)}:${sub.summary}`));
  const cases = command.subcommands.map((sub) => `      ${shellWord(sub.name)}) ${functionOf(program, sub)} ;;`);
  const own = `${name}() {
  local curcontext=$curcontext state line
  _arguments -C -s \\
    ${[...specs, shellWord('1:command:->command'), shellWord('*::argument:->argument')].join(' \\\n    ')}
  case $state in
    command)
      local -a subcommands=(
        ${entries.join('\n        ')}
      )
      _describe -t commands ${shellWord(`${[program, ...command.path].join(' ')} command`)} subcommands ;;
    argument)
      case $words[1] in
${cases.join('\n')}
      esac ;;
  esac
}`;
  return [own, ...command.subcommands.flatMap((sub) => commandFunctions(program, sub))];
}

/**
 * The zsh completion script of a program (`_arguments` and `_describe`): its commands and
 * subcommands with their summaries, each one's options with descriptions, commander's choices
 * for a value, local files and directories for path values and arguments. Static: completing
 * never runs the program. Works sourced (after `compinit`) or as `_<program>` on `$fpath`.
 *
 * @param tree - the program's {@link commandTree}
 */
export function zshCompletion(tree: CompletionCommand): string {
  const program = tree.name;
  const root = functionOf(program, tree);
  return `#compdef ${program}
# zsh completion for ${program}, generated from its command definitions by \`${program} completion zsh\`.
# Load it now (after compinit):  source <(${program} completion zsh)
# Or for good:                    ${program} completion zsh > "\${fpath[1]}/_${program}"

${commandFunctions(program, tree).join('\n\n')}

if [[ $funcstack[1] == ${root} ]]; then
  ${root} "$@"
else
  compdef ${root} ${program}
fi
`;
}
