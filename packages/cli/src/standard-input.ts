import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';

/** The name that stands for standard input where a file is read (`check --file -`). */
export const STANDARD_INPUT = '-';

/**
 * Reads all of standard input as UTF-8 text, for `-` in place of a file name
 * (`openssl x509 … | sftunnel-ca check --file -`).
 *
 * @param io - where standard input comes from
 * @param what - the option that named it, for errors
 * @param maxBytes - refuses more than this many bytes (`CLI_USAGE`, exit 2); default 1 MiB
 */
export async function readStandardInput(io: CliIo, what: string, maxBytes = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    length += bytes.length;
    if (length > maxBytes) throw new CliUsageError(`${what} -: standard input holds more than ${maxBytes} bytes; pass only what is asked`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
