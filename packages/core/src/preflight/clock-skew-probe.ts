import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import type { DevicePreflightProbe, FmcPreflightProbe, ProbeOutcome } from './preflight-probe.js';

/** Options of {@link clockSkewProbes}. */
export interface ClockSkewProbeOptions {
  /** Skew beyond which the verdict is `warn`, in milliseconds; default 30,000. */
  readonly warnMs?: number;
  /**
   * Skew beyond which the verdict is `fail`, in milliseconds; default 300,000. Each appliance's
   * clock decides whether the certificates it verifies are valid yet or still, and the operator's
   * clock decides the new certificates' validity: clocks minutes apart mean time sync is broken.
   */
  readonly failMs?: number;
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
 * the one-second resolution of `date`. FMC and device are both compared with the operator, so two
 * that pass are within twice `failMs` of each other.
 *
 * @param options - the thresholds
 *
 * @example
 * ```ts
 * const clocks = clockSkewProbes({ warnMs: 10_000, failMs: 60_000 });
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [clocks.fmc, clocks.device] });
 * ```
 */
export function clockSkewProbes(options: ClockSkewProbeOptions = {}): ClockSkewProbes {
  const warnMs = options.warnMs ?? 30_000;
  const failMs = options.failMs ?? 300_000;
  const judge = async (host: Host, now: () => Date, signal: AbortSignal): Promise<ProbeOutcome> => {
    const skewMs = await clockSkew(host, now, signal);
    const seconds = `${skewMs >= 0 ? '+' : '−'}${(Math.abs(skewMs) / 1000).toFixed(0)} s`;
    const verdict = Math.abs(skewMs) > failMs ? 'fail' : Math.abs(skewMs) > warnMs ? 'warn' : 'pass';
    return {
      verdict,
      message: `the clock of ${host.name} is ${seconds} from the operator’s`,
      ...(verdict === 'pass' ? {} : { remedy: `set ${host.name}’s clock right (NTP), or the operator’s; a skew over ${failMs / 1000} s refuses the renewal` }),
    };
  };
  return {
    fmc: { name: 'clock-skew', scope: 'fmc', run: ({ fmc, now, signal }) => judge(fmc, now, signal) },
    device: { name: 'clock-skew', scope: 'device', run: ({ host, now, signal }) => judge(host, now, signal) },
  };
}

/** How far a host's clock is ahead (+) or behind (−) `now`, beyond the uncertainty of reading it; 0 within it. */
async function clockSkew(host: Host, now: () => Date, signal: AbortSignal): Promise<number> {
  const before = now().getTime();
  const result = await host.run('date -u +%s', { signal });
  const after = now().getTime();
  const seconds = /^\s*(\d+)\s*$/.exec(result.stdout)?.[1];
  if (result.code !== 0 || seconds === undefined) {
    throw new SftunnelCaError('COMMAND_FAILED', `date -u +%s on ${host.name} exited ${result.code} printing ${JSON.stringify(result.stdout.trim().slice(0, 40))}`, { host: host.name, step: 'preflight' });
  }
  // The remote second [t, t + 1000) was read somewhere in [before, after].
  const remote = Number(seconds) * 1000;
  if (remote + 1000 < before) return remote + 1000 - before;
  if (remote > after) return remote - after;
  return 0;
}
