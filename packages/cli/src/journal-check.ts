import { RenewalJournal, SftunnelCaError, type JournalRun } from '@sftunnel-ca/core';
import { CliUsageError } from './cli-usage-error.js';

/**
 * Reads the run a `--journal` file belongs to, before anything connects: a journal that is a
 * directory, not yours, not private or damaged, or a new one in a directory that does not exist,
 * is refused here (`JOURNAL_INVALID`, exit 2), and so is one whose staging directory is not the
 * `--staging` given.
 *
 * @param path - the `--journal` value, if any
 * @param staging - the `--staging` value, if any
 * @returns the journal's run, or `undefined` when there is no such file (a new run starts one)
 */
export async function peekJournalOption(path: string | undefined, staging: string | undefined): Promise<JournalRun | undefined> {
  if (path === undefined) return undefined;
  const run = await RenewalJournal.peek(path);
  if (run !== undefined && staging !== undefined && run.stagingDirectory !== staging) {
    throw new CliUsageError(`--journal ${path} belongs to the run staged in ${run.stagingDirectory}, not --staging ${staging}; pass the journal of that run, or a new --journal. Nothing was changed`);
  }
  return run;
}

/**
 * Refuses a journal of another FMC (`JOURNAL_OTHER_FMC`) or another run (`CLI_USAGE`) once the
 * FMC is known, before any device is reached (exit 2).
 *
 * @param path - the journal file
 * @param run - what {@link peekJournalOption} read
 * @param fmcUuid - the FMC's UUID
 * @param stagingDirectory - the run's staging directory, when the command has one
 */
export function assertJournalOfRun(path: string, run: JournalRun, fmcUuid: string, stagingDirectory?: string): void {
  if (run.fmcUuid !== fmcUuid) {
    throw new SftunnelCaError('JOURNAL_OTHER_FMC', `--journal ${path} is the journal of a run on FMC ${run.fmcUuid}, not on this FMC (${fmcUuid}); pass the journal of a run on this FMC. Nothing was changed`, { step: 'journal' });
  }
  if (stagingDirectory !== undefined && run.stagingDirectory !== stagingDirectory) {
    throw new CliUsageError(`--journal ${path} belongs to the run staged in ${run.stagingDirectory}; resume that run with --staging ${run.stagingDirectory}, or pass a new --journal. Nothing was changed`);
  }
}
