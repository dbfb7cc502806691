import { createInterface } from 'node:readline/promises';
import type { ExpiryVerdict } from '@sftunnel-ca/core';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { terminalSafe } from './terminal-text.js';

/**
 * Asks `Do you want to continue? [yes/no]` on the terminal after each of `prefaces`, as the
 * vendor's scripts do. Without a terminal it refuses (pass `--yes`).
 *
 * @param io - the terminal
 * @param command - the command asking, for the refusal
 * @param prefaces - what to show before each question
 * @throws CliUsageError when there is no terminal, or an answer is not `yes`
 */
export async function confirmChange(io: CliIo, command: string, prefaces: readonly string[]): Promise<void> {
  if (io.stdin.isTTY !== true) {
    throw new CliUsageError(`${command} changes the FMC and its devices: confirm on a terminal, or pass --yes; nothing was changed`);
  }
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    for (const preface of prefaces) {
      io.stderr.write(`${terminalSafe(preface)}\n`);
      if ((await lines.question('Do you want to continue? [yes/no] ')).trim() !== 'yes') throw new CliUsageError('not confirmed; nothing was changed');
    }
  } finally {
    lines.close();
  }
}

/**
 * The vendor's two confirmations of a renewal: the plan, then the CA's expiry, each followed by
 * `Do you want to continue? [yes/no]`.
 *
 * @throws CliUsageError when there is no terminal, or an answer is not `yes`
 */
export function confirmRenewal(io: CliIo, summary: string, verdict: ExpiryVerdict): Promise<void> {
  const expiry = verdict.kind === 'expired' ? `expired ${verdict.days} days ago` : `expires in ${verdict.days} days`;
  return confirmChange(io, 'renew', [summary, `Current ca_root ${expiry} - at ${verdict.notAfter.toUTCString()}`]);
}
