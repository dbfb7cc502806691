import type { SftunnelCaErrorCode } from '../errors/error-codes.js';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { runBounded } from '../host/bounded-run.js';
import type { PlannedDevice } from './plan.js';
import type { ReplacedFile } from './journal.js';
import type { RunTimeline } from './run-timeline.js';
import type { RenewalReporter } from './renewal-event.js';
import type { DeviceFingerprints, DeviceOutcome, DeviceResult, DeviceStep, RenewalResult } from './renewal-result.js';
import { restartSftunnel, tunnelsUp, waitForTunnelUp } from './sftunnel-control.js';

/** The clock and the limits every fleet run takes (delivery, copy runs). */
export interface FleetRunLimits {
  /** The clock: timings, validity checks, log times. */
  readonly now: () => Date;
  /** Devices in flight at once; default 16. */
  readonly concurrency?: number;
  /** Deadline of one device's steps in each phase, in milliseconds; default 120,000. */
  readonly deviceTimeoutMs?: number;
  /** How long the FMC may take to show a restarted device's tunnel up, in milliseconds; default 30,000. */
  readonly tunnelTimeoutMs?: number;
}

/** How a run reaches devices and keeps time; shared by delivery and rollback. */
export interface DeviceRunOptions extends FleetRunLimits {
  /** Opens a root {@link Host} on a device (SSH, a jump host, the lab…); the run closes it. */
  readonly connect: (device: PlannedDevice, signal: AbortSignal) => Promise<Host>;
  /** Receives the run's events. */
  readonly onEvent?: RenewalReporter;
  /**
   * Devices not to dial, by UUID, each with why it cannot be reached — typically
   * {@link preflightUnreachable} of the preflight that has just tried them. Such a device is never
   * connected to: it is recorded `failed` at step `connect` with that error's code (so it is listed
   * in FAILED_PUSH, for the copy step), and a dead device costs the run one connect timeout, in
   * preflight, instead of one more per phase. Default none: every device is dialled.
   */
  readonly unreachable?: ReadonlyMap<string, SftunnelCaError>;
}

/** One device's state during a run; becomes its {@link DeviceResult}. */
export interface DeviceRun {
  readonly device: PlannedDevice;
  outcome: DeviceOutcome;
  cause: SftunnelCaErrorCode | undefined;
  message: string | undefined;
  step: DeviceStep | undefined;
  alreadyDelivered: boolean;
  backups: Record<string, string>;
  /** What this run replaced on the device, by live path: its journal record, for an exact rollback. */
  replaced: Record<string, ReplacedFile>;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  durationMs: number;
  before: DeviceFingerprints;
  after: DeviceFingerprints;
}

/** Fingerprints not known. */
export const UNKNOWN_FINGERPRINTS: DeviceFingerprints = { caFingerprintSha256: undefined, certificateFingerprintSha256: undefined };

/** A device's state before its first step. */
export function createDeviceRun(device: PlannedDevice, seed: Partial<Pick<DeviceRun, 'backups' | 'before' | 'replaced'>> = {}): DeviceRun {
  return {
    device,
    outcome: 'not-started',
    cause: undefined,
    message: undefined,
    step: undefined,
    alreadyDelivered: false,
    backups: { ...seed.backups },
    replaced: { ...seed.replaced },
    startedAt: undefined,
    finishedAt: undefined,
    durationMs: 0,
    before: seed.before ?? UNKNOWN_FINGERPRINTS,
    after: UNKNOWN_FINGERPRINTS,
  };
}

/**
 * Runs one phase of one device: a fresh connection, a deadline (the connection is aborted and
 * closed when it passes), step events. A failure is recorded on the run (outcome `failed`, cause
 * code, message), never thrown.
 */
export async function runOnDevice(
  run: DeviceRun,
  options: DeviceRunOptions,
  work: (host: Host, signal: AbortSignal, step: (step: DeviceStep) => void) => Promise<void>,
): Promise<void> {
  const { device } = run;
  const started = options.now();
  run.startedAt ??= started;
  const known = options.unreachable?.get(device.uuid);
  if (known !== undefined) {
    // Not dialled again: the finding stands for this run (the copy step, or a resumed run, tries it afresh).
    run.step = 'connect';
    recordFailure(run, new SftunnelCaError(known.code, `not dialled again in this run: ${known.message}`, { host: device.name, step: 'connect', cause: known }));
    run.finishedAt = options.now();
    run.durationMs += run.finishedAt.getTime() - started.getTime();
    return;
  }
  const step = (next: DeviceStep): void => {
    run.step = next;
    options.onEvent?.({ type: 'device:step', uuid: device.uuid, name: device.name, step: next });
  };
  try {
    await withDeviceHost(
      device.name,
      (signal) => {
        step('connect');
        return options.connect(device, signal);
      },
      options.deviceTimeoutMs ?? 120_000,
      () => run.step,
      (host, signal) => work(host, signal, step),
    );
  } catch (error) {
    recordFailure(run, error);
  } finally {
    const finished = options.now();
    run.finishedAt = finished;
    run.durationMs += finished.getTime() - started.getTime();
  }
}

/** Records a device's failure on its run: outcome `failed`, the cause code, the message. */
function recordFailure(run: DeviceRun, error: unknown): void {
  run.outcome = 'failed';
  run.cause = isSftunnelCaError(error) ? error.code : 'COMMAND_FAILED';
  run.message = error instanceof Error ? error.message : String(error);
}

/**
 * Connects to one device and works on it within a deadline: when the deadline passes, the
 * connection is aborted and `DEVICE_DEADLINE_EXCEEDED` thrown. The host is always closed.
 *
 * @param name - the device's name, for errors
 * @param connect - opens the host
 * @param timeoutMs - the deadline of connect and work together
 * @param currentStep - the step reached, for the deadline's error
 * @param work - the steps on the host
 * @throws what `connect` or `work` throws, or SftunnelCaError `DEVICE_DEADLINE_EXCEEDED`
 */
export async function withDeviceHost(
  name: string,
  connect: (signal: AbortSignal) => Promise<Host>,
  timeoutMs: number,
  currentStep: () => string | undefined,
  work: (host: Host, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  let host: Host | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SftunnelCaError('DEVICE_DEADLINE_EXCEEDED', `${name} did not finish step ${currentStep() ?? 'connect'} within ${timeoutMs} ms`, { host: name, step: currentStep() }));
    }, timeoutMs);
  });
  const attempt = (async () => {
    host = await connect(controller.signal);
    if (!controller.signal.aborted) await work(host, controller.signal);
  })();
  try {
    await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort();
    attempt.catch(() => undefined); // after a deadline, the abandoned attempt's own failure is moot
    await host?.close().catch(() => undefined); // closing a connection that failed is best effort; its failure is already recorded
  }
}

/**
 * After the FMC's restart: devices whose tunnel the FMC shows up are done; each of the others gets
 * `pmtool restartbyid sftunnel` and is watched until the FMC shows it up (`TUNNEL_NOT_UP` if it does
 * not within `tunnelTimeoutMs`).
 *
 * @param fmc - the FMC
 * @param runs - the devices whose files are in place
 * @param options - connect, clock, limits, events
 * @param done - checks and marks a device done (outcome, journal); what it throws is recorded as the device's failure
 */
export async function bringTunnelsUp(fmc: Host, runs: readonly DeviceRun[], options: DeviceRunOptions, done: (run: DeviceRun) => Promise<void>): Promise<void> {
  const up = await tunnelsUp(fmc);
  await runBounded(
    runs.filter((r) => up.has(r.device.address)),
    options.concurrency ?? 16,
    async (run) => {
      run.step = 'tunnel';
      await done(run).catch((error: unknown) => recordFailure(run, error));
    },
  );
  await runBounded(
    runs.filter((r) => !up.has(r.device.address)),
    options.concurrency ?? 16,
    (run) =>
      runOnDevice(run, options, async (host, signal, step) => {
        step('restart');
        await restartSftunnel(host, 'restart', signal);
        step('tunnel');
        if (!(await waitForTunnelUp(fmc, run.device.address, { timeoutMs: options.tunnelTimeoutMs ?? 30_000, signal }))) {
          throw new SftunnelCaError('TUNNEL_NOT_UP', `the FMC does not show the tunnel of ${run.device.name} (${run.device.address}) up within ${Math.round((options.tunnelTimeoutMs ?? 30_000) / 1000)} s of its restart`, { host: run.device.name, step: 'tunnel' });
        }
        await done(run);
      }),
  );
}

/** The run's record from its devices' states (and its phases' wall times, with a timeline); emits `device:done` for each and `run:done`. */
export function finishRun(
  fields: Pick<RenewalResult, 'fmc' | 'stagingDirectory' | 'fmcSwitched' | 'stopped' | 'failedPushPath'>,
  runs: readonly DeviceRun[],
  startedAt: Date,
  options: DeviceRunOptions,
  timeline?: RunTimeline,
): RenewalResult {
  const devices = runs.map(toResult);
  for (const result of devices) options.onEvent?.({ type: 'device:done', result });
  const finishedAt = options.now();
  const counts: Record<DeviceOutcome, number> = { renewed: 0, delivered: 0, 'rolled-back': 0, failed: 0, 'not-started': 0 };
  for (const result of devices) counts[result.outcome] += 1;
  const result: RenewalResult = {
    ...fields,
    devices,
    counts,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    phases: timeline?.phases() ?? {},
    changeWindow: timeline?.changeWindow(),
  };
  options.onEvent?.({ type: 'run:done', result });
  return result;
}

function toResult(run: DeviceRun): DeviceResult {
  return {
    uuid: run.device.uuid,
    name: run.device.name,
    address: run.device.address,
    outcome: run.outcome,
    cause: run.cause,
    message: run.message,
    step: run.step,
    alreadyDelivered: run.alreadyDelivered,
    backups: run.backups,
    startedAt: run.startedAt?.toISOString(),
    finishedAt: run.finishedAt?.toISOString(),
    durationMs: run.durationMs,
    before: run.before,
    after: run.after,
  };
}
