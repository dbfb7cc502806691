import type { RenewalEvent, RenewalReporter } from '@sftunnel-ca/core';
import type { FleetProgress } from './fleet-progress.js';

/** The fleet commands whose events {@link renewalProgressLine} words. */
export type FleetRunKind = 'renew' | 'rollback';

/**
 * A renewal (or rollback) event as one plain progress line (for stderr), or `undefined` for the
 * events not shown: each step, and each key but the last.
 *
 * @param event - the event
 * @param kind - the command that runs: its name starts the line and says what the FMC did
 */
export function renewalProgressLine(event: RenewalEvent, kind: FleetRunKind = 'renew'): string | undefined {
  switch (event.type) {
    case 'prepare:progress':
      return event.generated === event.total ? `prepare: ${event.total} keys generated and staged on the FMC` : undefined;
    case 'run:start':
      return kind === 'renew' ? `renew: delivering to ${event.devices} devices from ${event.stagingDirectory}` : `rollback: restoring ${event.devices} devices from their backups`;
    case 'device:done': {
      const { name, address, outcome, durationMs, cause, message } = event.result;
      const why = cause === undefined ? '' : `  ${cause}${message === undefined ? '' : `: ${message}`}`;
      return `  ${name.padEnd(10)} ${address.padEnd(15)} ${outcome.padEnd(11)} ${(durationMs / 1000).toFixed(1)}s${why}`;
    }
    case 'fmc:switch':
      if (event.phase !== 'done') return undefined;
      return kind === 'renew' ? 'renew: the FMC switched to the new CA and restarted sftunnel' : 'rollback: the FMC’s files were restored from their backups and sftunnel restarted';
    default:
      return undefined;
  }
}

/**
 * A reporter that shows a renewal on a {@link FleetProgress}: each device's step while in flight,
 * the keys generated so far, and the {@link renewalProgressLine}s.
 *
 * @param progress - the run's progress
 * @param kind - the command that runs
 */
export function renewalProgressReporter(progress: FleetProgress, kind: FleetRunKind = 'renew'): RenewalReporter {
  return (event) => {
    if (event.type === 'run:start') progress.total = event.devices;
    if (event.type === 'prepare:progress') progress.phase(`${event.generated} of ${event.total} keys generated`);
    if (event.type === 'device:step') progress.step(event.name, event.step);
    const line = renewalProgressLine(event, kind);
    if (line !== undefined) progress.line(line);
  };
}
