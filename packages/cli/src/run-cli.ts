import { Command, Option } from 'commander';
import { processIo, type CliIo } from './cli-io.js';
import { checkCommand } from './commands/check.js';
import { copyCommand } from './commands/copy.js';
import { demoCommand } from './commands/demo.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { exporterCommand } from './commands/exporter.js';
import { labCommand } from './commands/lab.js';
import { planCommand } from './commands/plan.js';
import { probeCommand } from './commands/probe.js';
import { renewCommand } from './commands/renew.js';
import { rollbackCommand } from './commands/rollback.js';
import { statusCommand } from './commands/status.js';
import { verifyCommand } from './commands/verify.js';
import { completionCommand } from './completion/completion-command.js';
import { EXIT_CODES, EXIT_CODE_MEANINGS, type ExitCode } from './exit-codes.js';
import { refuseSecretArguments } from './secret-arguments.js';
import { refuseSecondStandardInput } from './standard-input.js';

const VERSION = '0.1.0';

const EXIT_CODE_HELP = `
Exit codes:
${Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}

Credentials never go on the command line: use ssh-agent, --identity, SFTUNNEL_CA_PASSWORD,
--password-file (mode 0600), or the prompt. Errors print a stable code, listed with what to do in
errors.md of the installed @sftunnel-ca/core (node_modules/@sftunnel-ca/core/errors.md; docs/errors.md in the repository).
On a terminal, renew, copy, verify and rollback show a live list of the devices in flight; piped, they
print plain lines. NO_COLOR (or --no-color) turns colours off. Where a file is read, - reads standard input.
Shell completion: sftunnel-ca completion bash|zsh|fish (see its --help to install it); man page: man sftunnel-ca.
`;

/**
 * Runs `sftunnel-ca` with `argv` (the arguments after the program name) and returns the exit
 * code; it never exits the process. Embedders and tests pass their own {@link CliIo}.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['check', '--file', 'cacert.pem', '--json']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  let exitCode: ExitCode = EXIT_CODES.OK;
  const setExitCode = (code: ExitCode): void => {
    exitCode = code;
  };
  const program = createProgram(io, setExitCode);
  try {
    refuseSecretArguments(argv);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (isHelpOrVersion(error)) return EXIT_CODES.OK;
    // Loaded on use, as the commands load their own: `--version` and `--help` start without core (issue 23).
    const { renderError } = await import('./render-error.js');
    return renderError(io, error, json, debug);
  }
}

/**
 * The `sftunnel-ca` program: every command, printing through `io` and throwing instead of
 * exiting. What {@link runCli} parses with, and what the completion scripts and the man page are
 * generated from.
 *
 * @param io - where the commands read and write
 * @param setExitCode - how a command reports its exit code
 */
export function createProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('sftunnel-ca')
    .description(
      'Renew the InternalCA of a Firepower Management Center and re-key the sftunnel channel to every FTD it manages.',
    )
    .version(VERSION, '-V, --version')
    .addOption(new Option('--no-color', 'no colours (NO_COLOR is honoured too)'))
    .addOption(new Option('--debug', 'with an error that is not one of ours (a bug), print its stack to report it'))
    .addHelpText('after', EXIT_CODE_HELP);
  for (const command of [checkCommand(io, setExitCode), statusCommand(io), diagnoseCommand(io), probeCommand(io, setExitCode), planCommand(io, setExitCode), renewCommand(io, setExitCode), copyCommand(io, setExitCode), verifyCommand(io, setExitCode), rollbackCommand(io, setExitCode), labCommand(io, setExitCode), demoCommand(io, setExitCode), exporterCommand(io)]) {
    program.addCommand(command);
  }
  program.addCommand(completionCommand(io));
  // Standard input can be read once: refused before a command reads or connects to anything.
  program.hook('preAction', (_program, command) => refuseSecondStandardInput(command));
  routeOutput(program, io);
  return program;
}

/**
 * Every command of the tree prints through `io` and throws instead of exiting; a usage error is
 * not printed by commander but by `renderError`, with its code (`CLI_USAGE`), as every error is.
 */
function routeOutput(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text), outputError: () => undefined });
  for (const sub of command.commands) routeOutput(sub, io);
}

function isHelpOrVersion(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help';
}
