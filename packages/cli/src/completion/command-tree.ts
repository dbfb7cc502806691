import type { Argument, Command, Help, Option } from 'commander';

/** What a value is completed with: a local file, a local directory, one of a list, or nothing (free text). */
export type CompletionValue = { readonly kind: 'file' } | { readonly kind: 'directory' } | { readonly kind: 'choices'; readonly choices: readonly string[] } | { readonly kind: 'text' };

/** An option as the shells complete it. */
export interface CompletionOption {
  /** Its names as typed, short first: `-V`, `--version`. */
  readonly names: readonly string[];
  /** The help text's description, with its default and choices as the help shows them. */
  readonly description: string;
  /** What its value is completed with, or `undefined` for a flag that takes none. */
  readonly value?: CompletionValue;
  /** The placeholder of its value (`cacert.pem`, `inventory`), or `undefined` for a flag. */
  readonly placeholder?: string;
  /** Whether it may be given more than once (a repeatable or variadic option). */
  readonly repeatable: boolean;
}

/** A positional argument as the shells complete it. */
export interface CompletionArgument {
  /** Its name (`log`, `inventory`). */
  readonly name: string;
  /** The help text's description. */
  readonly description: string;
  /** What it is completed with. */
  readonly value: CompletionValue;
  /** Whether it takes any number of words (`<log...>`). */
  readonly variadic: boolean;
  /** Whether it must be given. */
  readonly required: boolean;
}

/** A command (or the program) as the shells complete it and the man page documents it. */
export interface CompletionCommand {
  /** Its name (`check`; the program's own for the root). */
  readonly name: string;
  /** The names from the program down to it: `[]` for the program, `['lab', 'up']`. */
  readonly path: readonly string[];
  /** Its one-line summary (else its description). */
  readonly summary: string;
  /** Its description. */
  readonly description: string;
  /** Its usage line after the names (`[options] <log...>`). */
  readonly usage: string;
  /** Its visible options, help included. */
  readonly options: readonly CompletionOption[];
  /** Its positional arguments, in order. */
  readonly arguments: readonly CompletionArgument[];
  /** What its help prints after the options (examples, notes), without its leading blank lines; `''` for none. */
  readonly helpAfter: string;
  /** Its visible subcommands (the implicit `help` among them). */
  readonly subcommands: readonly CompletionCommand[];
}

/** Placeholders that name a local directory. */
const DIRECTORY_PLACEHOLDER = /^dir$|director/i;
/** Placeholders that name a local file to read or write. */
const FILE_PLACEHOLDER = /file|inventory|\.pem$|\.csv$|\.json$|^log$|config/i;

/** What a value whose placeholder is `placeholder` (with `choices` when commander knows them) is completed with. */
function valueOf(placeholder: string, choices: readonly string[] | undefined): CompletionValue {
  if (choices !== undefined) return { kind: 'choices', choices };
  if (DIRECTORY_PLACEHOLDER.test(placeholder)) return { kind: 'directory' };
  if (FILE_PLACEHOLDER.test(placeholder)) return { kind: 'file' };
  return { kind: 'text' };
}

function optionOf(option: Option, help: Help): CompletionOption {
  const names = [option.short, option.long].filter((name): name is string => name !== undefined);
  // The whole of `<…>` or `[…]` after the names: `--fmc <user@host[:port]>` holds brackets of its own.
  const placeholder = /\s[<[](.*)[>\]]$/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '');
  const takesValue = option.required || option.optional;
  return {
    names,
    description: help.optionDescription(option),
    ...(takesValue && placeholder !== undefined ? { value: valueOf(placeholder, option.argChoices), placeholder } : {}),
    // A repeatable option collects into an array through its parser; the help says so.
    repeatable: option.variadic || /\brepeatable\b/.test(option.description),
  };
}

function argumentOf(argument: Argument, help: Help): CompletionArgument {
  return {
    name: argument.name(),
    description: help.argumentDescription(argument),
    value: valueOf(argument.name(), argument.argChoices),
    variadic: argument.variadic,
    required: argument.required,
  };
}

/** The text `command`'s help adds after the generated part (`addHelpText('after', …)`), captured. */
function helpAfterOf(command: Command): string {
  const output = command.configureOutput();
  let printed = '';
  command.configureOutput({ ...output, writeOut: (text) => (printed += text) });
  try {
    command.outputHelp();
  } finally {
    command.configureOutput(output);
  }
  return printed.slice(command.helpInformation().length).replace(/^\n+/, '').trimEnd();
}

/**
 * The tree of commands, options and arguments of a commander program, as its help shows them
 * (hidden ones left out): what the completion scripts and the man page are generated from, so
 * they never drift from the definitions. A value's completion comes from commander's choices
 * when it knows them, else from its placeholder (`<file>`, `<inventory>`, `<cacert.pem>`: local
 * files; `<dir>`: local directories).
 *
 * @param command - the program (or a command of it)
 * @param path - the names above it; `[]` for the program
 */
export function commandTree(command: Command, path: readonly string[] = []): CompletionCommand {
  const help = command.createHelp();
  return {
    name: command.name(),
    path,
    summary: command.summary() === '' ? command.description() : command.summary(),
    description: command.description(),
    usage: command.usage(),
    options: help.visibleOptions(command).map((option) => optionOf(option, help)),
    arguments: command.registeredArguments.map((argument) => argumentOf(argument, help)),
    helpAfter: helpAfterOf(command),
    subcommands: help.visibleCommands(command).map((sub) => commandTree(sub, [...path, sub.name()])),
  };
}

/** Every command of the tree, the program first, depth first. */
export function everyCommand(tree: CompletionCommand): CompletionCommand[] {
  return [tree, ...tree.subcommands.flatMap(everyCommand)];
}
