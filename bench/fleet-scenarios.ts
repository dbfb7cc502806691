/**
 * The benchmark's scenarios: each starts its own lab (in this process), renews or copies from a
 * renewing process of its own, and stops the lab. Sequential, so no scenario competes with another.
 */
import { startLab, type Lab, type LabFaults } from '@sftunnel-ca/lab';
import { renewThroughCli, type CliRenewal } from './cli-renewal.js';
import { measureMetricsLatency, type MetricsLatency } from './exporter-latency.js';
import type { KeyRate } from './key-generation.js';
import { labAccess, type DeviceStrategy } from './lab-access.js';
import { REALISTIC_LATENCY, realisticFleetFaults } from './realistic-latency.js';
import { ENGINE_KEY_CONCURRENCY, ONE_GO_IS_PIPELINED, type FleetRenewalMeasurement, type RenewalMode } from './renewal-run.js';
import type { ProcessUsage } from './renewer-job.js';
import { runInRenewer, type Measured } from './renewer-process.js';
import type { VendorCopyMeasurement } from './vendor-copy.js';

/** How big the benchmark's fleets are. */
export interface BenchSize {
  /** Devices of every fleet. */
  readonly devices: number;
  /** Devices the serial copy is measured on (then extrapolated to `devices`). */
  readonly peerSample: number;
  /** Unreachable devices in the unreachable scenario. */
  readonly unreachable: number;
  /**
   * The comparison runs (the direct path, the two CLI renewals): their devices, and how many of
   * them are dead in the CLI's run with some dead. The fleet's size in a full run; smaller in
   * `--quick`, which checks that the report is complete.
   */
  readonly comparison: { readonly devices: number; readonly unreachable: number };
}

/** Devices in flight when latency, not CPU, bounds the work (the realistic-latency scenarios). */
export const LATENCY_BOUND_CONCURRENCY = 200;

/** `openssl genrsa` processes run at once for the limit. */
export const OPENSSL_PROCESSES = 2;

/**
 * How the renewer and the serial copy reach devices: the way a real FTD is reached, CLI → `expert`
 * → `sudo su` over a terminal (the transport's `expert` strategy), host keys pinned.
 */
export const DEVICE_STRATEGY: DeviceStrategy = 'expert';

/** The path the one comparison run takes: root over exec and SFTP (the lab's `direct`; no real FTD offers it). */
export const COMPARISON_STRATEGY: DeviceStrategy = 'direct';

/** Device names of a fleet: FTD-0001, FTD-0002, … */
export function deviceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `FTD-${String(i + 1).padStart(4, '0')}`);
}

/** A lab started for a scenario, with what starting it took. */
export interface StartedLab {
  readonly lab: Lab;
  readonly startMs: number;
  /** This process's RSS before and after the start, in bytes. */
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
}

/** Starts a fleet whose InternalCA has expired and whose tunnels are all down, runs `work`, stops it. */
async function withExpiredFleet<T>(devices: number, faults: LabFaults, work: (started: StartedLab) => Promise<T>): Promise<T> {
  const rssBeforeBytes = process.memoryUsage().rss;
  const start = performance.now();
  const lab = await startLab({ devices: deviceNames(devices).map((name) => ({ name })), caState: 'expired', tunnels: 'down', direct: true, faults });
  const started = { lab, startMs: performance.now() - start, rssBeforeBytes, rssAfterBytes: process.memoryUsage().rss };
  try {
    return await work(started);
  } finally {
    await lab.stop();
  }
}

/** A renewal run, as the renewing process measured it and as the lab saw it. */
export interface RenewalRun {
  /** How the renewer reached the devices. */
  readonly strategy: DeviceStrategy;
  readonly measurement: FleetRenewalMeasurement;
  readonly usage: ProcessUsage;
  /** Devices whose tunnel to the FMC the lab shows up afterwards. */
  readonly tunnelsUp: number;
  /** First live write (the renewer's clock) to the last tunnel up (the lab's), in ms. */
  readonly changeWindowMs: number | undefined;
  /** CPU time of the lab's process (this one) while the renewal ran, in ms: SSH servers, shells, TLS. */
  readonly labCpuMs: number;
}

/** What `work` returned and the CPU time (user + system) this process, the lab's, spent meanwhile. */
async function withLabCpu<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly labCpuMs: number }> {
  const before = process.cpuUsage();
  const value = await work();
  const cpu = process.cpuUsage(before);
  return { value, labCpuMs: (cpu.user + cpu.system) / 1000 };
}

async function renewLab(lab: Lab, mode: RenewalMode, concurrency: number | undefined, strategy: DeviceStrategy = DEVICE_STRATEGY): Promise<RenewalRun> {
  const access = labAccess(lab);
  const { value: measured, labCpuMs } = await withLabCpu(() => runInRenewer({ kind: 'renewal', access, mode, concurrency, connectTimeoutMs: REALISTIC_LATENCY.connectTimeoutMs, deviceStrategy: strategy }));
  const { result, usage } = measured;
  const up = lab.tunnels().filter((t) => t.manager === lab.fmc.name && t.state === 'connected' && t.connectedSince !== undefined);
  const lastUpAt = Math.max(...up.map((t) => (t.connectedSince as Date).getTime())) - access.clockOffsetMs;
  const changeWindowMs = result.firstLiveWriteAt === undefined || up.length === 0 ? undefined : lastUpAt - result.firstLiveWriteAt;
  return { strategy, measurement: result, usage, tunnelsUp: up.length, changeWindowMs, labCpuMs };
}

/** The limit: `devices + 1` RSA-2048 keys with the engine's provider at its parallelism, and with `openssl genrsa`. */
export async function measureKeyLimit(size: BenchSize): Promise<{ readonly provider: Measured<KeyRate>; readonly openssl: Measured<KeyRate> }> {
  const keys = size.devices + 1;
  const provider = await runInRenewer({ kind: 'provider-keys', keys, concurrency: ENGINE_KEY_CONCURRENCY });
  const openssl = await runInRenewer({ kind: 'openssl-keys', keys, processes: OPENSSL_PROCESSES });
  return { provider, openssl };
}

/**
 * The zero-latency fleet: the lab's start, our renewal end to end, then the exporter on the renewed
 * fleet; then the same renewal on a fresh fleet over the direct path, for comparison.
 */
export async function measureZeroLatency(size: BenchSize): Promise<{ readonly lab: Omit<StartedLab, 'lab'>; readonly run: RenewalRun; readonly exporter: MetricsLatency; readonly direct: RenewalRun }> {
  const expert = await withExpiredFleet(size.devices, {}, async ({ lab, ...start }) => {
    const run = await renewLab(lab, 'one-go', undefined);
    const exporter = await measureMetricsLatency(lab);
    return { lab: start, run, exporter };
  });
  const direct = await withExpiredFleet(size.comparison.devices, {}, ({ lab }) => renewLab(lab, 'one-go', undefined, COMPARISON_STRATEGY));
  return { ...expert, direct };
}

/** The serial copy as the renewing process measured it, with the lab's CPU meanwhile. */
export type PeerRun = Measured<VendorCopyMeasurement> & { readonly labCpuMs: number };

/**
 * The realistic-latency fleet: a renewal with keys prepared ahead (delivery and change window),
 * the same fleet's serial copy on a sample, and, when the engine pipelines a one-go renewal, a
 * one-go run on a fresh fleet (otherwise one-go is the prepared-ahead run).
 */
export async function measureRealisticLatency(size: BenchSize): Promise<{ readonly prepared: RenewalRun; readonly oneGo: RenewalRun; readonly peer: PeerRun }> {
  const faults = realisticFleetFaults(deviceNames(size.devices));
  const { prepared, peer } = await withExpiredFleet(size.devices, faults, async ({ lab }) => {
    const run = await renewLab(lab, 'prepared-ahead', LATENCY_BOUND_CONCURRENCY);
    const copy = await withLabCpu(() =>
      runInRenewer({ kind: 'vendor-copy', access: labAccess(lab), devices: deviceNames(size.peerSample), connectTimeoutMs: REALISTIC_LATENCY.connectTimeoutMs, deviceStrategy: DEVICE_STRATEGY }),
    );
    return { prepared: run, peer: { ...copy.value, labCpuMs: copy.labCpuMs } };
  });
  const oneGo = ONE_GO_IS_PIPELINED ? await withExpiredFleet(size.devices, faults, ({ lab }) => renewLab(lab, 'one-go', LATENCY_BOUND_CONCURRENCY)) : prepared;
  return { prepared, oneGo, peer };
}

/** A CLI renewal with the lab's CPU meanwhile. */
export type CliRun = CliRenewal & { readonly labCpuMs: number };

/** Renews a realistic-latency fleet of `devices` with `dead` of them black-holed through the CLI. */
async function renewRealisticThroughCli(devices: number, dead: number): Promise<CliRun> {
  return withExpiredFleet(devices, realisticFleetFaults(deviceNames(devices), dead), async ({ lab }) => {
    const { value, labCpuMs } = await withLabCpu(() => renewThroughCli(lab, { concurrency: LATENCY_BOUND_CONCURRENCY, connectTimeoutMs: REALISTIC_LATENCY.connectTimeoutMs }));
    return { ...value, labCpuMs };
  });
}

/**
 * The realistic-latency fleet with `size.unreachable` devices dead: through the library (keys
 * prepared ahead, compared with the change-window run), then through the CLI on fresh fleets of
 * `size.comparison.devices`, once with none dead and once with `size.comparison.unreachable` dead.
 */
export async function measureUnreachable(size: BenchSize): Promise<{ readonly library: RenewalRun; readonly cliNone: CliRun; readonly cliDead: CliRun }> {
  const faults = realisticFleetFaults(deviceNames(size.devices), size.unreachable);
  const library = await withExpiredFleet(size.devices, faults, ({ lab }) => renewLab(lab, 'prepared-ahead', LATENCY_BOUND_CONCURRENCY));
  const cliNone = await renewRealisticThroughCli(size.comparison.devices, 0);
  const cliDead = await renewRealisticThroughCli(size.comparison.devices, size.comparison.unreachable);
  return { library, cliNone, cliDead };
}
