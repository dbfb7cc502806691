import { CliUsageError } from './cli-usage-error.js';

/** What `sftunnel-ca` prints when the simulator is not installed: the command that installs it. */
export const LAB_INSTALL_COMMAND = 'npm install @sftunnel-ca/lab';

/**
 * Loads the simulator for `demo` and `lab`. `@sftunnel-ca/lab` is an optional peer dependency of
 * the CLI: the production command does not carry it (nor its SSH, TLS and shell emulators), so it
 * is loaded only by the commands that run it.
 *
 * @param command - the command that needs it, for the message
 * @throws CliUsageError (exit 2) naming the install command when the lab is not installed
 */
export async function loadLab(command: string): Promise<typeof import('@sftunnel-ca/lab')> {
  try {
    return await import('@sftunnel-ca/lab');
  } catch (error) {
    if (!isLabMissing(error)) throw error;
    throw new CliUsageError(
      `LAB_NOT_INSTALLED: sftunnel-ca ${command} runs the simulated fleet, @sftunnel-ca/lab, which is not installed (it is optional: ` +
        `the other commands do not need it). Install it beside @sftunnel-ca/cli, at the same version: ${LAB_INSTALL_COMMAND} ` +
        '(add -g when the CLI was installed with -g)',
    );
  }
}

/** Node's "not found" for the lab package itself, not for something the lab failed to load. */
function isLabMissing(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && /['"]@sftunnel-ca\/lab['"]/.test(message);
}
