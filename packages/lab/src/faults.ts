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
  /**
   * Latency of logging in, in ms: added once per SSH connection, before the appliance answers its
   * first authentication request (key exchange, PAM and the CLI's start on a real appliance), on
   * top of `latencyMs`.
   */
  readonly loginLatencyMs?: number;
  /** The restricted CLI refuses `expert` (a user without Config privilege). */
  readonly expertRefused?: boolean;
  /**
   * The device's sftunnel does not reconnect when its FMC restarts: its tunnel stays down until its
   * own `pmtool restartbyid sftunnel` (a device that reads its files only when it starts).
   */
  readonly reconnectsOnlyWhenRestarted?: boolean;
  /** Faults held back until something happens on the appliance (a phase of a renewal); see {@link ArmedFaults}. */
  readonly armed?: ArmedFaults;
}

/**
 * What makes {@link ArmedFaults} strike, counted from when they were set:
 * - `connection`: an SSH connection is accepted (the fault is in force for it);
 * - `write`: a file whose appliance path matches `path` is written, copied onto, renamed onto or
 *   opened for writing, through a shell or SFTP — `before` (the write meets the fault) or `after`
 *   it (the write is done, what follows meets the fault).
 *
 * `skip` lets that many matching events pass first (default 0): `{ event: 'connection', skip: 1 }`
 * strikes on the second connection, the next session after the first one.
 */
export type FaultTrigger =
  | {
      /** An SSH connection is accepted. */
      readonly event: 'connection';
      /** Matching events to let pass first; default 0. */
      readonly skip?: number;
    }
  | {
      /** A file is written. */
      readonly event: 'write';
      /** Which files: tested against the appliance path. */
      readonly path: RegExp;
      /** Strike before the write (it meets the faults) or after it (what follows does). */
      readonly timing: 'before' | 'after';
      /** Matching events to let pass first; default 0. */
      readonly skip?: number;
    };

/**
 * Faults that strike mid-run: once `when` happens they are merged into the appliance's faults (and
 * `armed` is cleared). Open connections meet them at once where a network would: `unreachable`
 * cuts them, `silent` makes them hang, `dropAfterBytes` counts from the strike. `wrongCredentials`,
 * `hostKeyChanged` and `expertRefused` act on the next login; `pmtoolFails`, `diskFull` and
 * `latencyMs` on the next command or write.
 */
export interface ArmedFaults {
  /** What makes them strike. */
  readonly when: FaultTrigger;
  /** The faults that come into force then, merged into the appliance's. */
  readonly faults: Omit<ApplianceFaults, 'armed'>;
}

/** Something that happened on an appliance, seen by {@link ArmedFaults}. */
export type ApplianceEvent = { readonly event: 'connection' } | { readonly event: 'write'; readonly path: string; readonly timing: 'before' | 'after' };

/**
 * The faults in force after `happened`, given the faults now and how many events matching their
 * trigger were seen before; `undefined` when nothing strikes (`seen` tells the count to keep).
 */
export function strikeArmed(faults: ApplianceFaults, seen: number, happened: ApplianceEvent): { readonly faults: ApplianceFaults | undefined; readonly seen: number } {
  const armed = faults.armed;
  if (armed === undefined || !matches(armed.when, happened)) return { faults: undefined, seen };
  if (seen < (armed.when.skip ?? 0)) return { faults: undefined, seen: seen + 1 };
  const { armed: _struck, ...rest } = faults;
  return { faults: { ...rest, ...armed.faults }, seen: 0 };
}

function matches(when: FaultTrigger, happened: ApplianceEvent): boolean {
  if (when.event === 'connection' || happened.event === 'connection') return when.event === happened.event;
  return when.timing === happened.timing && when.path.test(posix.normalize(happened.path));
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

/** Waits the login latency of `faults`, if any (once per connection, see {@link ApplianceFaults.loginLatencyMs}). */
export function applyLoginLatency(faults: ApplianceFaults): Promise<void> {
  const ms = faults.loginLatencyMs ?? 0;
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The error a write raises on an appliance whose disk is full, shaped like Node's. */
export function diskFullError(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write '${path}'`);
  error.code = 'ENOSPC';
  return error;
}
