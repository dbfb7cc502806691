import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';

/**
 * Asks for a password on the terminal without echoing it (npm's `read`, loaded only when a
 * prompt is needed). Ctrl-C or Ctrl-D at the prompt stops the run with nothing changed.
 *
 * @param io - the terminal: its standard input and standard error
 * @param prompt - e.g. `Password for admin@FTD-0001 (192.0.2.21)`
 * @throws CliUsageError (exit 2) when the prompt is cancelled
 */
export async function askPassword(io: CliIo, prompt: string): Promise<string> {
  const { read } = await import('read');
  try {
    return await read({ prompt: `${prompt}: `, silent: true, replace: '', input: io.stdin, output: io.stderr, terminal: true });
  } catch (error) {
    throw new CliUsageError(`the password prompt was cancelled (${error instanceof Error ? error.message : String(error)}); nothing was changed`);
  }
}
