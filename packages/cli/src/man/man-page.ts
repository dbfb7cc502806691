import { everyCommand, type CompletionCommand, type CompletionOption } from '../completion/command-tree.js';
import { COMPLETION_INSTALL } from '../completion/completion-command.js';
import { EXIT_CODE_MEANINGS } from '../exit-codes.js';
import { roffText } from './roff-text.js';

/** The environment variables the CLI reads, and what for. */
const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['SFTUNNEL_CA_PASSWORD', 'the SSH password of the FMC (and of devices whose inventory row gives none)'],
  ['SFTUNNEL_CA_SUDO_PASSWORD', 'the password sudo asks for on the way to root, when it is not the login password'],
  ['SFTUNNEL_CA_KEY_PASSPHRASE', 'the passphrase of the private key of --identity and of inventory key files'],
  ['SSH_AUTH_SOCK', 'an ssh-agent to authenticate with'],
  ['NO_COLOR', 'no colours, as --no-color'],
  ['XDG_STATE_HOME', 'where journals and the lab state live (default ~/.local/state)'],
];

/** The files the CLI reads or writes by default. */
const FILES: ReadonlyArray<readonly [string, string]> = [
  ['~/.ssh/known_hosts', 'the host keys trusted, unless --known-hosts names others'],
  ['$XDG_STATE_HOME/sftunnel-ca/journals/', 'each renewal\'s journal (mode 0600) when --journal is not given, to resume or roll back from'],
  ['$XDG_STATE_HOME/sftunnel-ca/lab/', 'the lab\'s description, password, known_hosts and devices.csv (lab --state-dir)'],
];

/** `.TP` paragraphs: a bold term, then its text. */
const tagged = (rows: ReadonlyArray<readonly [string, string]>): string[] => rows.flatMap(([term, text]) => ['.TP', `.B ${roffText(term)}`, roffText(text)]);

/** An option as a `.TP` paragraph: `\-\-file \fIcacert.pem\fR`, then its description. */
function optionParagraph(option: CompletionOption): string[] {
  const names = option.names.map((name) => `\\fB${roffText(name)}\\fR`).join(', ');
  return ['.TP', `${names}${option.placeholder === undefined ? '' : ` \\fI${roffText(option.placeholder)}\\fR`}`, roffText(option.description)];
}

/** Text that keeps its lines (examples, command lines) as a no-fill block. */
const verbatim = (text: string): string[] => ['.PP', '.nf', '.RS 4', roffText(text), '.RE', '.fi'];

/** One command's subsection: usage, description, arguments, options, what its help adds (examples). */
function commandSection(program: string, command: CompletionCommand): string[] {
  const name = [program, ...command.path].join(' ');
  return [
    `.SS ${roffText(`${name} ${command.usage}`.trim())}`,
    roffText(command.description === '' ? command.summary : command.description),
    ...command.arguments.flatMap((argument) => ['.TP', `\\fI${roffText(argument.name)}\\fR${argument.variadic ? '...' : ''}`, roffText(argument.description)]),
    ...command.options.flatMap(optionParagraph),
    ...(command.helpAfter === '' ? [] : verbatim(command.helpAfter)),
  ];
}

/**
 * The man page (roff, `man(7)` macros) of a program, generated from its command definitions: name,
 * synopsis, description, the program's options, every command with its arguments, options and
 * examples, shell completion, exit codes (from the exit-code table), environment and files. No
 * date or other wall-clock text, so the same definitions give the same page.
 *
 * @param tree - the program's `commandTree`
 * @param version - the program's version, for the page's footer
 */
export function manPage(tree: CompletionCommand, version: string): string {
  const program = tree.name;
  const commands = everyCommand(tree).filter((command) => command.path.length > 0 && command.path.at(-1) !== 'help');
  const lines = [
    `.\\" Generated from the command definitions by \`pnpm docs:man\`; do not edit.`,
    `.TH ${roffText(program.toUpperCase())} 1 "" "${roffText(`${program} ${version}`)}" "User Commands"`,
    '.SH NAME',
    `${roffText(program)} \\- ${roffText(tree.description.replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    `.B ${roffText(program)}`,
    '[\\fIoptions\\fR] \\fIcommand\\fR [\\fIcommand options\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    roffText(tree.description),
    '.PP',
    roffText('Credentials never go on the command line: use ssh-agent, --identity, SFTUNNEL_CA_PASSWORD, --password-file (mode 0600), or the prompt. Where a file is read, - reads standard input (one option of a command at most). On a terminal, renew, copy, verify and rollback redraw a live list of the devices in flight; otherwise they print plain lines.'),
    '.SH OPTIONS',
    ...tree.options.flatMap(optionParagraph),
    '.SH COMMANDS',
    ...commands.flatMap((command) => commandSection(program, command)),
    '.SH SHELL COMPLETION',
    ...verbatim(COMPLETION_INSTALL.trim()),
    '.SH EXIT STATUS',
    ...tagged(Object.entries(EXIT_CODE_MEANINGS)),
    '.SH ENVIRONMENT',
    ...tagged(ENVIRONMENT),
    '.SH FILES',
    ...tagged(FILES),
    '.SH SEE ALSO',
    roffText('ssh(1), ssh-keygen(1), openssl(1); errors.md of @sftunnel-ca/core for each error code, its meaning and what to do.'),
  ];
  return `${lines.join('\n')}\n`;
}
