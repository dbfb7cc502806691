import type { SftunnelCaErrorCode } from '../errors/error-codes.js';
import type { Host } from '../host/host.js';
import type { FmcInspection } from '../renewal/inspect.js';
import type { PlannedDevice, RenewalPlan } from '../renewal/plan.js';

/** A probe's verdict: `pass`; `warn` (renewal may go ahead, read the message); `fail` (renewal is refused). */
export type PreflightVerdict = 'pass' | 'warn' | 'fail';

/** What one probe found, for the FMC or for one device. */
export interface ProbeOutcome {
  /** The verdict. */
  readonly verdict: PreflightVerdict;
  /** What was found, in one sentence (no secrets). */
  readonly message: string;
  /** What to do about a `warn` or `fail`. */
  readonly remedy?: string;
  /** The error code behind a `warn` or `fail`, when there is one. */
  readonly cause?: SftunnelCaErrorCode;
}

/** What every probe can read: the FMC, what was inspected and planned, the operator's clock. */
export interface PreflightContext {
  /** The FMC, as root. */
  readonly fmc: Host;
  /** The FMC as inspected. */
  readonly inspection: FmcInspection;
  /** The renewal about to run. */
  readonly plan: RenewalPlan;
  /** The operator's clock. */
  readonly now: () => Date;
  /** Aborts the probe (a device's deadline). */
  readonly signal: AbortSignal;
}

/** What a device probe reads besides {@link PreflightContext}: the device and a root connection to it. */
export interface DevicePreflightContext extends PreflightContext {
  /** The device, from the plan. */
  readonly device: PlannedDevice;
  /** The device, as root (connected and authenticated already). */
  readonly host: Host;
}

/** A probe of the FMC, run once. */
export interface FmcPreflightProbe {
  /** Its name in the report, kebab-case (e.g. `critical-task`). */
  readonly name: string;
  /** `fmc`. */
  readonly scope: 'fmc';
  /** Looks; must not change anything on the appliance. Throwing counts as `fail` with the error's code. */
  run(context: PreflightContext): Promise<ProbeOutcome>;
}

/** A probe of each device, run on a root connection to it. */
export interface DevicePreflightProbe {
  /** Its name in the report, kebab-case (e.g. `free-disk`). */
  readonly name: string;
  /** `device`. */
  readonly scope: 'device';
  /** Looks; must not change anything on the device. Throwing counts as `fail` with the error's code. */
  run(context: DevicePreflightContext): Promise<ProbeOutcome>;
}

/** A pluggable preflight check: of the FMC, or of every device. */
export type PreflightProbe = FmcPreflightProbe | DevicePreflightProbe;
