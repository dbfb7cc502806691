import { posix } from 'node:path';
import { RenewalJournal } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import type { SshHost } from '@sftunnel-ca/transport';
import { renewLabFmc } from '../renewal/lab-fleet.js';

type RenewOptions = NonNullable<Parameters<typeof renewLabFmc>[2]>;

/**
 * A renewal of a lab's FMC journaled at `journalPath`: the first call starts it (staged under the
 * lab's `/var/tmp/certs/<unix-time>`), each later call resumes it from the journal (same staging,
 * nothing done twice) — the rerun an operator makes once faults clear.
 */
export async function renewResumable(lab: Lab, fmc: SshHost, journalPath: string, options: RenewOptions = {}): ReturnType<typeof renewLabFmc> {
  const now = lab.clock.now();
  const started = await RenewalJournal.peek(journalPath);
  const stagingDirectory = started?.stagingDirectory ?? posix.join(lab.layout.fmc.failedPushDirectory, String(Math.floor(now.getTime() / 1000)));
  const journal = await RenewalJournal.open(journalPath, { fmcUuid: lab.fmc.uuid, stagingDirectory }, now);
  return renewLabFmc(lab, fmc, { ...options, plan: { ...options.plan, stagingDirectory }, deliver: { ...options.deliver, journal } });
}
