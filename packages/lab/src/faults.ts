import { posix } from 'node:path';

/**
 * Faults that can be injected into one lab appliance, each modelling a way a real fleet fails.
 * All are off by default; combine them freely. Change them on a running lab with `lab.setFaults`.
 */
export interface ApplianceFaults {
  /** No SSH listener: connections are refused (`ECONNREFUSED`). */
  readonly unreachable?: boolean;
  /** SSH accepts the TCP connection and never sends a byte (a hung sshd, a black-holing firewall). */
  readonly silent?: boolean;
  /** The appliance's password is not the one the lab reports, so every login is rejected. */
  readonly wrongCredentials?: boolean;
  /** The appliance presents a host key other than the one whose fingerprint the lab reports. */
  readonly hostKeyChanged?: boolean;
  /**
   * The data partition is full: writes of content (shell redirections, cp, SFTP writes, pushes)
   * fail with `No space left on device`; truncating to empty still works. `/tmp` and `/dev`,
   * file systems of their own on the appliance, stay writable.
   */
  readonly diskFull?: boolean;
  /** The SSH connection is cut once the appliance has received this many bytes on it. */
  readonly dropAfterBytes?: number;
  /** `pmtool` fails: the tunnel is not restarted and the command exits 1. */
  readonly pmtoolFails?: boolean;
  /** Latency added before every command, shell line, login step and SFTP operation, in ms. */
  readonly latencyMs?: number;
  /** The restricted CLI refuses `expert` (a user without Config privilege). */
  readonly expertRefused?: boolean;
}

/** File systems other than the data partition (devices, tmpfs): a full data partition leaves them writable. */
const OTHER_MOUNTS = ['/dev', '/tmp'];

/** Whether the `diskFull` fault refuses writing content to a path of the appliance (an absolute appliance path). */
export function diskFullAt(faults: ApplianceFaults, appliancePath: string): boolean {
  const path = posix.normalize(appliancePath);
  return faults.diskFull === true && !OTHER_MOUNTS.some((mount) => path === mount || path.startsWith(`${mount}/`));
}

/** The faults of every appliance, by appliance name. */
export type LabFaults = Readonly<Record<string, ApplianceFaults>>;

/** Waits the latency of `faults`, if any. */
export function applyLatency(faults: ApplianceFaults): Promise<void> {
  const ms = faults.latencyMs ?? 0;
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The error a write raises on an appliance whose disk is full, shaped like Node's. */
export function diskFullError(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write '${path}'`);
  error.code = 'ENOSPC';
  return error;
}
