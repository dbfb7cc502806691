import type { SftunnelCaErrorCode } from '../errors/error-codes.js';
import type { PhaseSpan, RenewalPhase } from './run-timeline.js';

/**
 * The steps a device goes through, in order: `connect`, `inspect` (its current files), `write`
 * (back up and replace the three files), `verify` (hashes, chain, key), then, once the FMC has
 * switched, `restart` (`pmtool restartbyid sftunnel`, only when its tunnel did not come back with
 * the FMC's restart) and `tunnel` (the FMC shows it up).
 */
export type DeviceStep = 'connect' | 'inspect' | 'write' | 'verify' | 'restart' | 'tunnel';

/**
 * How a device ended: `renewed` (new files, tunnel up on the new CA); `delivered` (new files
 * verified, waiting for the FMC to switch: the run stopped before it); `rolled-back` (its backups
 * restored by a rollback, tunnel up on the old CA); `failed` (see the cause;
 * listed in FAILED_PUSH); `not-started` (the run stopped first; the device is unchanged).
 */
export type DeviceOutcome = 'renewed' | 'delivered' | 'rolled-back' | 'failed' | 'not-started';

/** What a device held before and holds after: fingerprints (sha256 of the DER) of its CA and its certificate. */
export interface DeviceFingerprints {
  /** Its `cacert.pem`, when readable. */
  readonly caFingerprintSha256: string | undefined;
  /** Its `sftunnel-cert.pem`, when readable. */
  readonly certificateFingerprintSha256: string | undefined;
}

/** One device's record of a run: data, for adapters to render. */
export interface DeviceResult {
  /** Its UUID. */
  readonly uuid: string;
  /** Its name. */
  readonly name: string;
  /** Its address. */
  readonly address: string;
  /** How it ended. */
  readonly outcome: DeviceOutcome;
  /** Why it failed or did not start. */
  readonly cause: SftunnelCaErrorCode | undefined;
  /** The failure's message (no secrets). */
  readonly message: string | undefined;
  /** The last step reached. */
  readonly step: DeviceStep | undefined;
  /** Whether its files were already the new ones (a resumed run): nothing was written. */
  readonly alreadyDelivered: boolean;
  /** Where its replaced files were kept, by destination path. */
  readonly backups: Readonly<Record<string, string>>;
  /** When its first step started and its last ended, ISO 8601. */
  readonly startedAt: string | undefined;
  /** See {@link DeviceResult.startedAt}. */
  readonly finishedAt: string | undefined;
  /** Time spent on it, in milliseconds, across the run's phases. */
  readonly durationMs: number;
  /** Before the run. */
  readonly before: DeviceFingerprints;
  /** After the run (the new ones once written). */
  readonly after: DeviceFingerprints;
}

/** The record of a whole run. */
export interface RenewalResult {
  /** The FMC. */
  readonly fmc: string;
  /** The staging directory delivered from. */
  readonly stagingDirectory: string;
  /** Whether the FMC switched to the new CA in this run or before it. */
  readonly fmcSwitched: boolean;
  /** Why the run stopped starting devices, when it did. */
  readonly stopped: 'canary-failed' | 'max-failures' | undefined;
  /** One record per planned device, in plan order. */
  readonly devices: readonly DeviceResult[];
  /** The FAILED_PUSH written on the FMC, when a device failed. */
  readonly failedPushPath: string | undefined;
  /** Counts by outcome. */
  readonly counts: Readonly<Record<DeviceOutcome, number>>;
  /** Start and end, ISO 8601, and the duration in milliseconds. */
  readonly startedAt: string;
  /** See {@link RenewalResult.startedAt}. */
  readonly finishedAt: string;
  /** See {@link RenewalResult.startedAt}. */
  readonly durationMs: number;
  /**
   * Wall time of each phase that ran (first start to last end; they overlap when generation and
   * delivery run in one go): `generate` (keys and certificates), `stage` (written to the FMC),
   * `deliver` (devices' files), `switch` (the FMC's files and restart), `verify` (tunnels up, TLS probes).
   */
  readonly phases: Readonly<Partial<Record<RenewalPhase, PhaseSpan>>>;
  /** From the first write to a live file to the last tunnel seen up on the new files; `undefined` when no live file changed. */
  readonly changeWindow: PhaseSpan | undefined;
}
