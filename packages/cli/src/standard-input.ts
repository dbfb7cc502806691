import type { Command } from 'commander';
import { CliUsageError } from './cli-usage-error.js';

/** The name that stands for standard input where a file is read (`check --file -`). */
export const STANDARD_INPUT = '-';

/**
 * What errors call an input: `standard input` for `-`, else the path as given.
 *
 * @param path - the file as given
 */
export function inputName(path: string): string {
  return path === STANDARD_INPUT ? 'standard input' : path;
}

/** How much of standard input is read at most where no other bound is given: 1 MiB. */
export const STANDARD_INPUT_MAX_BYTES = 1 << 20;

/**
 * The options (by commander attribute name) and arguments (by name) whose `-` reads standard
 * input: the CA certificate of `check --file`, inventories (`--devices`, `copy <inventory>`),
 * messages logs (`diagnose <log...>`) and credentials (`--password-file`, `--identity`). Not the
 * files that are written too (`--journal`, `--known-hosts`), nor the exporter's `--config` (a
 * daemon, reloaded from its file).
 */
export const STANDARD_INPUT_READERS: ReadonlySet<string> = new Set(['file', 'devices', 'passwordFile', 'identity', 'inventory', 'log']);

/**
 * Reads all of standard input as bytes, for `-` in place of a file name
 * (`openssl x509 … | sftunnel-ca check --file -`).
 *
 * @param stdin - standard input
 * @param what - the option that named it, for errors
 * @param maxBytes - refuses more than this many bytes (`CLI_USAGE`, exit 2); default {@link STANDARD_INPUT_MAX_BYTES}
 */
export async function readStandardInput(stdin: NodeJS.ReadableStream, what: string, maxBytes = STANDARD_INPUT_MAX_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    length += bytes.length;
    if (length > maxBytes) throw new CliUsageError(`${what} -: standard input holds more than ${maxBytes} bytes; pass only what is asked`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * Refuses a command line on which more than one input is `-`: standard input can be read once
 * (`renew --devices - --password-file -`). Called before the command's action, so nothing has
 * been read or connected to.
 *
 * @param command - the command about to run, its options and arguments parsed
 * @throws CliUsageError (`CLI_USAGE`, exit 2) naming the inputs
 */
export function refuseSecondStandardInput(command: Command): void {
  const options = command.opts<Record<string, unknown>>();
  const readers = [
    ...command.options.filter((option) => STANDARD_INPUT_READERS.has(option.attributeName()) && namesStandardInput(options[option.attributeName()])).map((option) => option.long ?? option.flags),
    ...command.registeredArguments.flatMap((argument, index) => {
      const value: unknown = command.processedArgs[index];
      const count = STANDARD_INPUT_READERS.has(argument.name()) ? [value].flat().filter((word) => word === STANDARD_INPUT).length : 0;
      return Array.from({ length: count }, () => `<${argument.name()}>`);
    }),
  ];
  if (readers.length > 1) {
    throw new CliUsageError(`${command.name()}: ${readers.join(' and ')} ${readers.length === 2 ? 'both' : 'all'} name - (standard input), which can be read once; give all but one as files`);
  }
}

function namesStandardInput(value: unknown): boolean {
  return [value].flat().includes(STANDARD_INPUT);
}
