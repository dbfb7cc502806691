import type { Host } from '../host/host.js';
import { findCommands } from '../probe/appliance-readings.js';
import type { DevicePreflightProbe, FmcPreflightProbe, ProbeOutcome } from './preflight-probe.js';

/** The tools probes of a preflight: the FMC's and each device's. */
export interface ToolsProbes {
  /** `tools` of the FMC. */
  readonly fmc: FmcPreflightProbe;
  /** `tools` of each device. */
  readonly device: DevicePreflightProbe;
}

/**
 * `tools`: every command the engine runs on an appliance is on the root shell's `PATH` — the same
 * look `probe` takes: `base64`, `sha256sum`, `mktemp`, `cp`, `mv`, `chmod` and `pmtool` everywhere,
 * and `sftunnel_status.pl` on the FMC. A missing one is `fail`: the delivery would stop half-way on it.
 *
 * @example
 * ```ts
 * const tools = toolsProbes();
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [tools.fmc, tools.device] });
 * ```
 */
export function toolsProbes(): ToolsProbes {
  const judge = async (host: Host, signal: AbortSignal, needed: (name: string) => boolean): Promise<ProbeOutcome> => {
    const missing = (await findCommands(host, { signal })).filter((c) => needed(c.name) && !c.present).map((c) => c.name);
    if (missing.length === 0) return { verdict: 'pass', message: `every command the renewal runs is on ${host.name}'s PATH` };
    return {
      verdict: 'fail',
      message: `${host.name}'s root shell does not find ${missing.join(', ')}`,
      remedy: `check ${host.name}'s release and PATH (sftunnel-ca probe shows what it finds); the renewal runs these commands there`,
      cause: 'COMMAND_FAILED',
    };
  };
  return {
    fmc: { name: 'tools', scope: 'fmc', run: ({ fmc, signal }) => judge(fmc, signal, () => true) },
    // The FMC reads the tunnels' state; a device only runs the file commands and pmtool.
    device: { name: 'tools', scope: 'device', run: ({ host, signal }) => judge(host, signal, (name) => name !== 'sftunnel_status.pl') },
  };
}
