import { createInterface } from 'node:readline/promises';
import type { ExpiryVerdict } from '@sftunnel-ca/core';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';

/**
 * Asks for the vendor's two confirmations on the terminal: `Do you want to continue? [yes/no]`,
 * then the CA's expiry and the same question again. Without a terminal it refuses (pass `--yes`).
 *
 * @throws CliUsageError when there is no terminal, or an answer is not `yes`
 */
export async function confirmRenewal(io: CliIo, summary: string, verdict: ExpiryVerdict): Promise<void> {
  if (io.stdin.isTTY !== true) {
    throw new CliUsageError('renew changes the FMC and its devices: confirm on a terminal, or pass --yes; nothing was changed');
  }
  const expiry = verdict.kind === 'expired' ? `expired ${verdict.days} days ago` : `expires in ${verdict.days} days`;
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    for (const preface of [summary, `Current ca_root ${expiry} - at ${verdict.notAfter.toUTCString()}`]) {
      io.stderr.write(`${preface}\n`);
      if ((await lines.question('Do you want to continue? [yes/no] ')).trim() !== 'yes') throw new CliUsageError('not confirmed; nothing was changed');
    }
  } finally {
    lines.close();
  }
}
