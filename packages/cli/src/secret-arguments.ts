import { CliUsageError } from './cli-usage-error.js';

/** Option names that would carry a secret on the command line, where `ps` and shell history see it. */
const SECRET_OPTIONS = ['password', 'pass', 'passwd', 'passphrase', 'sudo-password', 'secret', 'key-passphrase', 'token'];

/** The safe ways to give a secret, for the refusal message. */
export const SAFE_SECRET_SOURCES =
  'give secrets through ssh-agent (SSH_AUTH_SOCK), a key file (--identity), the environment (SFTUNNEL_CA_PASSWORD, SFTUNNEL_CA_SUDO_PASSWORD), ' +
  'a file readable by you alone (--password-file, mode 0600), or the prompt (no echo)';

/**
 * Refuses, before anything is parsed, an option that would put a secret in argv (`--password`,
 * `--passphrase=…`, …). The value is never echoed.
 *
 * @param argv - the arguments after the program name
 */
export function refuseSecretArguments(argv: readonly string[]): void {
  for (const argument of argv) {
    if (argument === '--') return;
    const name = /^--?([A-Za-z][A-Za-z-]*)(=|$)/.exec(argument)?.[1]?.toLowerCase();
    if (name !== undefined && SECRET_OPTIONS.includes(name)) {
      throw new CliUsageError(`--${name} is refused: a secret on the command line is visible to every user of this machine and kept in shell history; ${SAFE_SECRET_SOURCES}`);
    }
  }
}
