import type { PreflightVerdict, ProbeOutcome } from './preflight-probe.js';

/** One line of a {@link PreflightReport}: a probe's outcome for the FMC or for one device. */
export interface PreflightFinding extends ProbeOutcome {
  /** The probe's name. */
  readonly probe: string;
  /** The device it is about; absent for the FMC. */
  readonly device?: { readonly uuid: string; readonly name: string; readonly address: string };
}

/** What a preflight found: data (JSON), for adapters to render. */
export interface PreflightReport {
  /** The format's version. */
  readonly version: 1;
  /** The FMC. */
  readonly fmc: string;
  /** Its UUID. */
  readonly fmcUuid: string;
  /** Whether the renewal must not run: some finding is `fail`. */
  readonly refused: boolean;
  /** Findings by verdict. */
  readonly counts: Readonly<Record<PreflightVerdict, number>>;
  /** Every finding: the FMC's first, then each device's in plan order. */
  readonly findings: readonly PreflightFinding[];
  /** UUIDs of the devices that could not be reached or logged into (left to the copy step with `allowUnreachable`). */
  readonly unreachable: readonly string[];
  /** Start and end, ISO 8601, and the duration in milliseconds. */
  readonly startedAt: string;
  /** See {@link PreflightReport.startedAt}. */
  readonly finishedAt: string;
  /** See {@link PreflightReport.startedAt}. */
  readonly durationMs: number;
}
