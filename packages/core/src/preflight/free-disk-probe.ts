import { posix } from 'node:path';
import { readFreeDisk } from '../probe/appliance-readings.js';
import type { DevicePreflightProbe } from './preflight-probe.js';

/** Options of {@link freeDiskProbe}. */
export interface FreeDiskProbeOptions {
  /**
   * Free space a device needs in its peer directory, in KiB; default 1,024. A delivery holds
   * three new files beside the live ones and their backups at once (a few KiB); the margin is
   * for the logs the restart writes.
   */
  readonly minFreeKiB?: number;
}

/**
 * `free-disk`: the free space (`df -Pk`) of the file system holding each device's peer
 * directory, where its new files, their backups and the files waiting to replace them are
 * written. Too little is `fail` (`DISK_FULL`): the delivery would stop half-way.
 *
 * @param options - the space needed
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [freeDiskProbe({ minFreeKiB: 4096 })] });
 * ```
 */
export function freeDiskProbe(options: FreeDiskProbeOptions = {}): DevicePreflightProbe {
  const needed = options.minFreeKiB ?? 1024;
  return {
    name: 'free-disk',
    scope: 'device',
    async run({ host, device, signal }) {
      const directory = posix.dirname(device.files[0]?.destination ?? '/');
      const { availableKiB: available, usedPercent, mountedOn } = await readFreeDisk(host, directory, { signal });
      if (available < needed) {
        return {
          verdict: 'fail',
          message: `${directory} on ${host.name} has ${available} KiB free (${mountedOn} ${usedPercent} used); delivery needs ${needed} KiB`,
          remedy: `free space on ${host.name} (old logs, old backups, core files) and run the preflight again`,
          cause: 'DISK_FULL',
        };
      }
      return { verdict: 'pass', message: `${directory} on ${host.name} has ${available} KiB free` };
    },
  };
}
