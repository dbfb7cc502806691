import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { readClockOffset } from '../probe/appliance-readings.js';
import { ONE_DAY_MS } from '../pki/certificate-signing.js';
import type { DevicePreflightProbe, FmcPreflightProbe, ProbeOutcome } from './preflight-probe.js';

/** Options of {@link clockSkewProbes}. */
export interface ClockSkewProbeOptions {
  /** Skew beyond which the verdict is `warn` (time sync is off), in milliseconds; default 30,000. */
  readonly warnMs?: number;
  /**
   * How far the renewal sets the new certificates' notBefore and the CRL's lastUpdate before the
   * operator's clock, in milliseconds: pass the value the renewal uses (`backdateMs` of
   * `prepareRenewal` / `renewFleet`); default one day, theirs. The operator's clock decides the new
   * certificates' validity and each appliance's clock whether they are valid yet: an appliance that
   * lags by more than the backdate would find them not yet valid and drop its tunnel, so that is
   * `fail`. A lag the backdate covers, or a clock ahead, is `warn` beyond `warnMs`.
   */
  readonly backdateMs?: number;
}

/** The clock probes of a preflight: the FMC's and each device's clock against the operator's. */
export interface ClockSkewProbes {
  /** `clock-skew` of the FMC. */
  readonly fmc: FmcPreflightProbe;
  /** `clock-skew` of each device. */
  readonly device: DevicePreflightProbe;
}

/**
 * `clock-skew`: each appliance's clock (`date -u +%s`) against the operator's, read between two
 * readings of the operator's clock. The skew reported is what is left beyond the round trip and
 * the one-second resolution of `date`. `fail` only for a lag the backdate cannot cover (the message
 * says the lag, the backdate and what to do); `warn` for any other skew beyond `warnMs`.
 *
 * @param options - the warning threshold and the renewal's backdate
 * @throws SftunnelCaError `INVALID_ARGUMENT` for a threshold or backdate that is not a non-negative number
 *
 * @example
 * ```ts
 * const clocks = clockSkewProbes({ warnMs: 10_000, backdateMs: 2 * 86_400_000 });
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [clocks.fmc, clocks.device] });
 * ```
 */
export function clockSkewProbes(options: ClockSkewProbeOptions = {}): ClockSkewProbes {
  const warnMs = nonNegative(options.warnMs ?? 30_000, 'warnMs');
  const backdateMs = nonNegative(options.backdateMs ?? ONE_DAY_MS, 'backdateMs');
  const judge = async (host: Host, now: () => Date, signal: AbortSignal): Promise<ProbeOutcome> => {
    const skewMs = await readClockOffset(host, now, { signal });
    const skew = `the clock of ${host.name} is ${skewMs >= 0 ? '+' : '−'}${(Math.abs(skewMs) / 1000).toFixed(0)} s from the operator’s`;
    const lagMs = -skewMs;
    if (lagMs > backdateMs) {
      return {
        verdict: 'fail',
        message: `${skew}: ${duration(lagMs)} behind, more than the ${duration(backdateMs)} the new certificates and CRL are backdated by, so it would find them not yet valid`,
        remedy: `set ${host.name}’s clock right (NTP) before renewing, or renew with a backdate longer than its lag (backdateMs; the CLI’s --backdate, e.g. ${Math.ceil(lagMs / ONE_DAY_MS) + 1}d)`,
      };
    }
    if (Math.abs(skewMs) <= warnMs) return { verdict: 'pass', message: skew };
    const covered = lagMs > 0 ? `${duration(lagMs)} behind, within the ${duration(backdateMs)} the new certificates are backdated by` : `${duration(skewMs)} ahead, which the new certificates’ validity covers`;
    return { verdict: 'warn', message: `${skew}: ${covered}`, remedy: `set ${host.name}’s clock right (NTP), or the operator’s: time sync is off` };
  };
  return {
    fmc: { name: 'clock-skew', scope: 'fmc', run: ({ fmc, now, signal }) => judge(fmc, now, signal) },
    device: { name: 'clock-skew', scope: 'device', run: ({ host, now, signal }) => judge(host, now, signal) },
  };
}

function nonNegative(value: number, option: string): number {
  if (!Number.isFinite(value) || value < 0) throw new SftunnelCaError('INVALID_ARGUMENT', `${option} must be a non-negative number of milliseconds, got ${String(value)}`);
  return value;
}

/** A duration for people: `12 h`, `1 d`, `1.5 d`, `90 s`. */
function duration(ms: number): string {
  for (const [size, unit] of [[ONE_DAY_MS, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']] as const) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${Math.round(ms)} ms`;
}

