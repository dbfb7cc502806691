import type { SftunnelCaErrorCode } from '../errors/error-codes.js';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { runBounded } from '../host/bounded-run.js';
import { withDeviceHost, type DeviceRunOptions, type FleetRunLimits } from '../renewal/device-run.js';
import type { FmcInspection } from '../renewal/inspect.js';
import type { PlannedDevice, RenewalPlan } from '../renewal/plan.js';
import { clockSkewProbes } from './clock-skew-probe.js';
import { caKeyProbe } from './ca-key-probe.js';
import { criticalTaskProbe } from './critical-task-probe.js';
import { fmcVersionProbe } from './fmc-version-probe.js';
import { freeDiskProbe } from './free-disk-probe.js';
import { toolsProbes } from './tools-probe.js';
import type { DevicePreflightProbe, FmcPreflightProbe, PreflightContext, PreflightProbe, PreflightVerdict, ProbeOutcome } from './preflight-probe.js';
import type { PreflightFinding, PreflightReport } from './preflight-report.js';

/** Options of {@link preflightRenewal}. */
export interface PreflightRenewalOptions extends FleetRunLimits, Pick<DeviceRunOptions, 'connect'> {
  /** The probes; default {@link defaultPreflightProbes}. The device connection itself is always checked (`device-reachable`). */
  readonly probes?: readonly PreflightProbe[];
  /**
   * Devices that cannot be reached or logged into are `warn` instead of `fail`: the renewal may
   * go ahead and leave them for the copy step (they are listed in FAILED_PUSH). A changed host
   * key is `fail` all the same. Default false.
   */
  readonly allowUnreachable?: boolean;
  /** The backdate the renewal will use, in ms (`clock-skew` fails only a lag beyond it); default one day. Used by the default probes only. */
  readonly backdateMs?: number;
}

/** Connection failures that `allowUnreachable` accepts: a device down, silent or not letting us in. Never a host key that changed. */
const UNREACHABLE_CAUSES: ReadonlySet<SftunnelCaErrorCode> = new Set([
  'CONNECT_TIMEOUT',
  'CONNECT_REFUSED',
  'CONNECTION_LOST',
  'AUTH_FAILED',
  'ESCALATION_FAILED',
  'OPERATION_TIMEOUT',
  'DEVICE_DEADLINE_EXCEEDED',
]);

/**
 * The built-in probes: `fmc-version` (hotfix advice), `critical-task` (generate_certs.pl's own
 * check), `ca-key` (the InternalCA's key found and matching the CA), `tools` (the commands the
 * renewal runs, found as `probe` finds them, on the FMC and every device), `clock-skew` (FMC and every device against the operator), `free-disk` (every device's
 * peer directory).
 *
 * @example
 * ```ts
 * const probes = [...defaultPreflightProbes({ backdateMs: 2 * 86_400_000 }), myProbe];
 * ```
 *
 * @param options - the backdate the renewal will use, in ms: `clock-skew` fails a device whose clock lags the operator's by more (default one day)
 */
export function defaultPreflightProbes(options: { readonly backdateMs?: number } = {}): PreflightProbe[] {
  const clocks = clockSkewProbes(options);
  const tools = toolsProbes();
  return [fmcVersionProbe(), criticalTaskProbe(), caKeyProbe(), clocks.fmc, tools.fmc, clocks.device, freeDiskProbe(), tools.device];
}

/**
 * Checks, before anything changes, that a planned renewal can run: the FMC's probes once, then
 * every device — connected and logged into as root with bounded concurrency and a deadline each
 * (`device-reachable`), its probes run on that connection. Changes nothing (the critical-task
 * probe answers generate_certs.pl `no`). A probe that throws is `fail` with its error's code.
 *
 * @param fmc - the FMC, as root
 * @param inspection - from {@link inspectFmc}
 * @param plan - from {@link planRenewal}
 * @param options - how to reach devices, the operator's clock, limits, the probes, `allowUnreachable`
 * @returns a serialisable report; `refused` when any finding is `fail`
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now: () => new Date(), allowUnreachable: true });
 * if (report.refused) for (const f of report.findings.filter((f) => f.verdict === 'fail')) console.log(f.probe, f.device?.name, f.message, f.remedy);
 * ```
 */
export async function preflightRenewal(fmc: Host, inspection: FmcInspection, plan: RenewalPlan, options: PreflightRenewalOptions): Promise<PreflightReport> {
  const startedAt = options.now();
  const probes = options.probes ?? defaultPreflightProbes(options.backdateMs === undefined ? {} : { backdateMs: options.backdateMs });
  const fmcProbes = probes.filter((p): p is FmcPreflightProbe => p.scope === 'fmc');
  const deviceProbes = probes.filter((p): p is DevicePreflightProbe => p.scope === 'device');
  const base = { fmc, inspection, plan, now: options.now };

  const findings: PreflightFinding[] = [];
  const controller = new AbortController();
  for (const probe of fmcProbes) findings.push({ probe: probe.name, ...(await outcomeOf(() => probe.run({ ...base, signal: controller.signal }))) });

  const unreachable: string[] = [];
  // Devices left out on purpose are never dialled: they get nothing in this run.
  const perDevice = await runBounded(plan.devices.filter((d) => !d.leftOut), options.concurrency ?? 16, async (device) => {
    const found: PreflightFinding[] = [];
    const about = { uuid: device.uuid, name: device.name, address: device.address };
    try {
      await withDeviceHost(
        device.name,
        (signal) => options.connect(device, signal),
        options.deviceTimeoutMs ?? 120_000,
        () => 'preflight',
        async (host, signal) => {
          found.push({ probe: 'device-reachable', device: about, verdict: 'pass', message: `${device.name} (${device.address}) is reachable and logged into as root` });
          const context = { ...base, device, host, signal } satisfies PreflightContext & { device: PlannedDevice; host: Host };
          for (const probe of deviceProbes) found.push({ probe: probe.name, device: about, ...(await outcomeOf(() => probe.run(context))) });
        },
      );
    } catch (error) {
      unreachable.push(device.uuid);
      found.push({ probe: 'device-reachable', device: about, ...unreachableOutcome(device, error, options.allowUnreachable === true) });
    }
    return found;
  });
  for (const outcome of perDevice) if (outcome.started) findings.push(...outcome.value);

  const counts: Record<PreflightVerdict, number> = { pass: 0, warn: 0, fail: 0 };
  for (const finding of findings) counts[finding.verdict] += 1;
  const finishedAt = options.now();
  return {
    version: 1,
    fmc: fmc.name,
    fmcUuid: inspection.fmcUuid,
    refused: counts.fail > 0,
    counts,
    findings,
    unreachable: plan.devices.filter((d) => unreachable.includes(d.uuid)).map((d) => d.uuid),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  };
}

/**
 * Throws unless a preflight report lets the renewal run.
 *
 * @param report - from {@link preflightRenewal}
 * @throws SftunnelCaError `PREFLIGHT_REFUSED`, naming the failed probes
 *
 * @example
 * ```ts
 * assertPreflightPassed(await preflightRenewal(fmc, inspection, plan, { connect, now }));
 * ```
 */
export function assertPreflightPassed(report: PreflightReport): void {
  if (!report.refused) return;
  const failed = report.findings.filter((f) => f.verdict === 'fail');
  const named = failed.slice(0, 5).map((f) => `${f.probe}${f.device === undefined ? '' : ` (${f.device.name})`}: ${f.message}`);
  throw new SftunnelCaError('PREFLIGHT_REFUSED', `preflight refused the renewal of ${report.fmc}: ${failed.length} failed — ${named.join('; ')}${failed.length > 5 ? '; …' : ''}`, { host: report.fmc, step: 'preflight' });
}

/**
 * The devices a preflight could not reach, by UUID, each with the error it met (code and message
 * of its `device-reachable` finding): the `unreachable` option of {@link deliverRenewal} and
 * {@link renewFleet}, so that delivery records them failed (FAILED_PUSH) without dialling them again.
 *
 * @param report - from {@link preflightRenewal}, usually with `allowUnreachable`
 * @returns an empty map when every device was reached
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, allowUnreachable: true });
 * assertPreflightPassed(report);
 * const result = await renewFleet(fmc, inspection, plan, { connect, now, unreachable: preflightUnreachable(report) });
 * ```
 */
export function preflightUnreachable(report: PreflightReport): ReadonlyMap<string, SftunnelCaError> {
  const unreachable = new Map<string, SftunnelCaError>();
  for (const finding of report.findings) {
    const uuid = finding.device?.uuid;
    if (finding.probe !== 'device-reachable' || uuid === undefined || !report.unreachable.includes(uuid)) continue;
    unreachable.set(uuid, new SftunnelCaError(finding.cause ?? 'COMMAND_FAILED', finding.message)); // the message names the device, its address and the error
  }
  return unreachable;
}

async function outcomeOf(run: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  try {
    return await run();
  } catch (error) {
    return {
      verdict: 'fail',
      message: `the probe could not look: ${error instanceof Error ? error.message : String(error)}`,
      remedy: 'read the message, fix the cause, and run the preflight again',
      cause: isSftunnelCaError(error) ? error.code : 'COMMAND_FAILED',
    };
  }
}

function unreachableOutcome(device: PlannedDevice, error: unknown, allowUnreachable: boolean): ProbeOutcome {
  const cause: SftunnelCaErrorCode = isSftunnelCaError(error) ? error.code : 'COMMAND_FAILED';
  const message = `${device.name} (${device.address}) cannot be reached as root: ${error instanceof Error ? error.message : String(error)}`;
  if (allowUnreachable && UNREACHABLE_CAUSES.has(cause)) {
    return { verdict: 'warn', message, remedy: `${device.name} is left for the copy step: it will be listed in FAILED_PUSH`, cause };
  }
  return {
    verdict: 'fail',
    message,
    remedy: UNREACHABLE_CAUSES.has(cause) ? `bring ${device.name} back, fix its credentials, or pass allowUnreachable to leave it for the copy step` : `resolve ${cause} on ${device.name} first (a changed host key is never accepted)`,
    cause,
  };
}
