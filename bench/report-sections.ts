import type { MetricsLatency } from './exporter-latency.js';
import type { BenchSize, CliRun, PeerRun, RenewalRun, StartedLab } from './fleet-scenarios.js';
import { COMPARISON_STRATEGY, DEVICE_STRATEGY, LATENCY_BOUND_CONCURRENCY, OPENSSL_PROCESSES } from './fleet-scenarios.js';
import { GOALS } from './goals.js';
import type { KeyRate } from './key-generation.js';
import { REALISTIC_LATENCY } from './realistic-latency.js';
import { ENGINE_KEY_CONCURRENCY, ONE_GO_IS_PIPELINED } from './renewal-run.js';
import type { Measured } from './renewer-process.js';
import type { Figure, ReportSection } from './report.js';

/** Everything one run of the benchmark measured, before it becomes the report's sections. */
export interface BenchMeasurements {
  readonly size: BenchSize;
  readonly limit: { readonly provider: Measured<KeyRate>; readonly openssl: Measured<KeyRate> };
  readonly zeroLatency: { readonly lab: Omit<StartedLab, 'lab'>; readonly run: RenewalRun; readonly exporter: MetricsLatency; readonly direct: RenewalRun };
  readonly realistic: { readonly prepared: RenewalRun; readonly oneGo: RenewalRun; readonly peer: PeerRun };
  readonly unreachable: { readonly library: RenewalRun; readonly cliNone: CliRun; readonly cliDead: CliRun };
}

const MIB = 1024 * 1024;
const seconds = (ms: number): number => ms / 1000;

/** The wall of a prepared-ahead run's delivery; NaN for a one-go run (the report then shows n/a and the smoke test fails). */
function deliveryMs(run: RenewalRun): number {
  return run.measurement.deliveryMs ?? Number.NaN;
}

function phaseFigures(run: RenewalRun): Figure[] {
  return run.measurement.phases.map((p) => ({ name: `phase: ${p.phase}`, value: seconds(p.ms), unit: 's', mayBeZero: true }));
}

function peakRssFigure(run: RenewalRun): Figure {
  const peakMiB = run.usage.peakRssBytes / MIB;
  return { name: 'peak RSS of the renewing process', value: peakMiB, unit: 'MiB', goal: GOALS.renewerPeakRss(peakMiB) };
}

/** Where a scenario's CPU went, whole and per device, and the floors it sets on this machine. */
interface CpuSplit {
  readonly renewerCpuMs: number;
  readonly labCpuMs: number;
  /** Devices the figures are per (the fleet's, or the serial copy's sample). */
  readonly devices: number;
  /** Whether the devices were reached on the expert path (the lab's per-device goal is for that path). */
  readonly expert: boolean;
}

/**
 * The renewer's CPU and the lab's, each whole and per device, the CPU floor both set on `cores`
 * cores, and the renewer's own floor: what a real fleet would see, whose side of each SSH session
 * and TLS handshake runs on the appliances' own CPUs.
 */
function cpuFigures(split: CpuSplit, cores: number): Figure[] {
  const labPerDeviceMs = split.labCpuMs / split.devices;
  return [
    { name: 'CPU time of the renewing process', value: seconds(split.renewerCpuMs), unit: 's' },
    { name: 'renewer CPU per device', value: split.renewerCpuMs / split.devices, unit: 'ms' },
    { name: 'CPU time of the lab’s process (SSH servers, shells, TLS)', value: seconds(split.labCpuMs), unit: 's' },
    { name: 'lab CPU per device', value: labPerDeviceMs, unit: 'ms', ...(split.expert ? { goal: GOALS.labCpuPerDevice(labPerDeviceMs) } : {}) },
    { name: `CPU floor on this machine: (renewer + lab CPU) ÷ ${cores} cores`, value: seconds((split.renewerCpuMs + split.labCpuMs) / cores), unit: 's' },
    { name: `a real fleet's floor: the renewer's CPU ÷ ${cores} cores`, value: seconds(split.renewerCpuMs / cores), unit: 's' },
  ];
}

function runCpuFigures(run: RenewalRun, devices: number, cores: number): Figure[] {
  return cpuFigures({ renewerCpuMs: run.usage.cpuMs, labCpuMs: run.labCpuMs, devices, expert: run.strategy === 'expert' }, cores);
}

function outcomeFigures(run: RenewalRun): Figure[] {
  return [
    { name: 'devices renewed', value: run.measurement.counts.renewed, unit: 'devices', mayBeZero: true },
    { name: 'tunnels up afterwards (the lab’s view)', value: run.tunnelsUp, unit: 'devices', mayBeZero: true },
  ];
}

/** What the devices that failed in a run failed on, when any did (a loaded machine shows here first). */
function failureNotes(label: string, run: RenewalRun): string[] {
  const causes = Object.entries(run.measurement.failures);
  return causes.length === 0 ? [] : [`${label}: ${run.measurement.counts.failed} devices failed (${causes.map(([cause, count]) => `${cause}: ${count}`).join(', ')})`];
}

/**
 * The report's sections from one run's measurements; every ratio is of two figures of this run.
 *
 * @param m - what the run measured
 */
export function reportSections(m: BenchMeasurements, cores: number): ReportSection[] {
  const n = m.size.devices;
  const { provider, openssl } = m.limit;
  const ours = m.zeroLatency.run;
  const direct = m.zeroLatency.direct;
  const oursOverLimit = ours.measurement.wallMs / (provider.result.seconds * 1000);
  const peerPerDeviceMs = m.realistic.peer.result.wallMs / m.realistic.peer.result.devices;
  const peerExtrapolatedMs = peerPerDeviceMs * n;
  const speedup = peerExtrapolatedMs / deliveryMs(m.realistic.prepared);
  const speedupEndToEnd = peerExtrapolatedMs / m.realistic.oneGo.measurement.wallMs;
  const cpuFloorMs = (ours.usage.cpuMs + ours.labCpuMs) / cores;
  const changeWindowS = seconds(m.realistic.prepared.changeWindowMs ?? Number.NaN);
  const dead = m.unreachable.library;
  const unreachableAddedS = seconds(deliveryMs(dead) - deliveryMs(m.realistic.prepared));
  const cliAddedS = seconds(m.unreachable.cliDead.wallMs - m.unreachable.cliNone.wallMs);
  const compared = m.size.comparison;
  // The key-generation limit for the comparison fleet's size (its N + 1 keys), from this run's rate.
  const comparedLimitMs = (provider.result.seconds * 1000 * (compared.devices + 1)) / (n + 1);
  const comparedFleet = compared.devices === n ? 'same size' : `${compared.devices} devices`;
  const latencyNote = `lab slow fault set from the vendor transcript: login ${REALISTIC_LATENCY.loginLatencyMs.min / 1000}–${REALISTIC_LATENCY.loginLatencyMs.max / 1000} s (spread over the fleet), ${REALISTIC_LATENCY.commandLatencyMs} ms per command / shell line / login step (\`expert\`, \`sudo su\` and sudo's password check included), dead devices black-holed and given up after ${REALISTIC_LATENCY.connectTimeoutMs / 1000} s; the FMC itself is not slowed`;
  return [
    {
      id: 'limit',
      title: `Limit: ${n + 1} RSA-2048 key pairs`,
      figures: [
        { name: `engine provider (native WebCrypto), ${ENGINE_KEY_CONCURRENCY} in flight: wall`, value: provider.result.seconds, unit: 's' },
        { name: 'engine provider: rate', value: provider.result.keysPerSecond, unit: 'keys/s' },
        { name: 'engine provider: CPU time', value: seconds(provider.usage.cpuMs), unit: 's' },
        { name: `openssl genrsa 2048, ${OPENSSL_PROCESSES} processes: wall`, value: openssl.result.seconds, unit: 's' },
        { name: 'openssl genrsa: rate', value: openssl.result.keysPerSecond, unit: 'keys/s' },
      ],
      notes: [`UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}; each method in a fresh process`],
    },
    {
      id: 'ours',
      title: `Ours: ${n} devices, zero latency, CA expired, tunnels down, renewed end to end`,
      figures: [
        { name: 'wall, inspection to last tunnel up', value: seconds(ours.measurement.wallMs), unit: 's' },
        { name: 'wall ÷ limit (engine provider)', value: oursOverLimit, unit: '×', goal: GOALS.renewalOverKeyGeneration(oursOverLimit) },
        peakRssFigure(ours),
        ...runCpuFigures(ours, n, cores),
        { name: 'CPU floor on this machine ÷ limit', value: cpuFloorMs / (provider.result.seconds * 1000), unit: '×' },
        { name: 'a real fleet’s floor ÷ limit', value: ours.usage.cpuMs / cores / (provider.result.seconds * 1000), unit: '×' },
        ...outcomeFigures(ours),
        ...phaseFigures(ours),
        { name: `${COMPARISON_STRATEGY} path (root over exec, for comparison): wall`, value: seconds(direct.measurement.wallMs), unit: 's' },
        { name: `${COMPARISON_STRATEGY} path: wall ÷ limit`, value: direct.measurement.wallMs / comparedLimitMs, unit: '×' },
        { name: `${COMPARISON_STRATEGY} path: renewer CPU per device`, value: direct.usage.cpuMs / compared.devices, unit: 'ms' },
        { name: `${COMPARISON_STRATEGY} path: lab CPU per device`, value: direct.labCpuMs / compared.devices, unit: 'ms' },
        { name: `${COMPARISON_STRATEGY} path: devices renewed`, value: direct.measurement.counts.renewed, unit: 'devices', mayBeZero: true },
      ],
      notes: [
        `devices reached as a real FTD is: CLI → expert → sudo su over a terminal (the transport's \`${DEVICE_STRATEGY}\` strategy), host keys pinned; the engine's default devices in flight; keys ${ENGINE_KEY_CONCURRENCY} at once`,
        `the ${COMPARISON_STRATEGY} path (root over exec and SFTP, which no real FTD offers) renews a fresh fleet (${comparedFleet}) the same way, for comparison only; its limit is this run's key rate for its ${compared.devices + 1} keys`,
        `the renewing process is a child Node process (tsx loader included: ${(ours.usage.startRssBytes / MIB).toFixed(0)} MiB RSS before the renewal started)`,
        ...failureNotes('this run', ours),
        ...failureNotes(`the ${COMPARISON_STRATEGY} run`, direct),
      ],
    },
    {
      id: 'realistic',
      title: `Realistic latency: ${n} devices renewed end to end`,
      figures: [
        { name: 'wall, inspection to last tunnel up', value: seconds(m.realistic.oneGo.measurement.wallMs), unit: 's' },
        { name: `serial copy (extrapolated to ${n}) ÷ our delivery of keys prepared ahead (like for like: both copy files already made)`, value: speedup, unit: '×', goal: GOALS.speedupOverSerialCopy(speedup), extrapolated: true },
        { name: `serial copy (extrapolated to ${n}, its keys not counted) ÷ ours end to end (keys generated too)`, value: speedupEndToEnd, unit: '×', extrapolated: true },
        peakRssFigure(m.realistic.oneGo),
        ...runCpuFigures(m.realistic.oneGo, n, cores),
        ...outcomeFigures(m.realistic.oneGo),
        ...phaseFigures(m.realistic.oneGo),
      ],
      notes: [
        latencyNote,
        `${LATENCY_BOUND_CONCURRENCY} devices in flight`,
        'the copy script copies what generate_certs.pl made beforehand, so its like is our delivery of a renewal prepared ahead (the change-window run below); the end-to-end figure adds our key generation and none of the vendor’s',
        ONE_GO_IS_PIPELINED ? 'one-go run (key generation overlapping delivery) on its own fleet' : 'the same run as the change window (prepare, then deliver): this engine does not overlap them',
        'engine phases are spans (first start → last end) and overlap in a one-go run',
        ...failureNotes('this run', m.realistic.oneGo),
      ],
    },
    {
      id: 'peer',
      title: 'Peer: vendor-style serial copy (copy_sftunnel_certs.py’s steps, one device at a time)',
      figures: [
        { name: `measured on ${m.realistic.peer.result.devices} devices: wall`, value: seconds(m.realistic.peer.result.wallMs), unit: 's' },
        { name: 'per device', value: seconds(peerPerDeviceMs), unit: 's' },
        { name: 'devices copied', value: m.realistic.peer.result.copied, unit: 'devices', mayBeZero: true },
        { name: `EXTRAPOLATED to ${n} devices`, value: seconds(peerExtrapolatedMs), unit: 's', extrapolated: true },
        ...cpuFigures({ renewerCpuMs: m.realistic.peer.usage.cpuMs, labCpuMs: m.realistic.peer.labCpuMs, devices: m.realistic.peer.result.devices, expert: true }, cores),
      ],
      notes: [
        `same realistic-latency fleet, devices reached as the renewer reaches them (CLI → expert → sudo su); CPU per device is per device copied; connect timeout ${REALISTIC_LATENCY.connectTimeoutMs / 1000} s; per device: connect and log in, three files, pmtool restartbyid sftunnel, close`,
        'extrapolated linearly (the copy is serial); key generation (generate_certs.pl) not included',
      ],
    },
    {
      id: 'change-window',
      title: `Change window: ${n} devices, keys prepared ahead, realistic latency`,
      figures: [
        { name: 'first live write → last tunnel up', value: changeWindowS, unit: 's', goal: GOALS.changeWindow(changeWindowS) },
        { name: 'delivery (devices’ files, FMC switch, tunnels)', value: seconds(deliveryMs(m.realistic.prepared)), unit: 's' },
        { name: 'prepared ahead, outside the window (keys, certificates, staging)', value: seconds(m.realistic.prepared.measurement.prepareMs ?? Number.NaN), unit: 's' },
        { name: 'change window as the engine records it (to the last tunnel it saw up)', value: seconds(m.realistic.prepared.measurement.engineChangeWindowMs ?? Number.NaN), unit: 's' },
        peakRssFigure(m.realistic.prepared),
        ...runCpuFigures(m.realistic.prepared, n, cores),
        ...outcomeFigures(m.realistic.prepared),
      ],
      notes: ['first live write as the engine records it, last tunnel up from the lab’s own tunnel records (same machine clock)', ...failureNotes('this run', m.realistic.prepared)],
    },
    {
      id: 'unreachable',
      title: `Unreachable: the same ${n} devices with ${m.size.unreachable} dead`,
      figures: [
        { name: `delivery with ${m.size.unreachable} unreachable`, value: seconds(deliveryMs(dead)), unit: 's' },
        { name: 'delivery with none (change-window run)', value: seconds(deliveryMs(m.realistic.prepared)), unit: 's' },
        { name: 'added by the unreachable devices', value: unreachableAddedS, unit: 's', goal: GOALS.unreachableCost(unreachableAddedS), difference: true },
        { name: 'devices failed (listed in FAILED_PUSH)', value: dead.measurement.counts.failed, unit: 'devices', mayBeZero: true },
        peakRssFigure(dead),
        ...runCpuFigures(dead, n, cores),
        ...outcomeFigures(dead),
        { name: 'through the CLI (sftunnel-ca renew, one go): wall with none dead', value: seconds(m.unreachable.cliNone.wallMs), unit: 's' },
        { name: `through the CLI: wall with ${compared.unreachable} dead`, value: seconds(m.unreachable.cliDead.wallMs), unit: 's' },
        { name: 'through the CLI: added by the unreachable devices', value: cliAddedS, unit: 's', goal: GOALS.unreachableCost(cliAddedS), difference: true },
        { name: 'through the CLI: devices renewed with none dead', value: m.unreachable.cliNone.counts['renewed'] ?? 0, unit: 'devices', mayBeZero: true },
        { name: `through the CLI: devices failed with ${compared.unreachable} dead`, value: m.unreachable.cliDead.counts['failed'] ?? 0, unit: 'devices', mayBeZero: true },
        { name: 'through the CLI: lab CPU per device (run with some dead)', value: m.unreachable.cliDead.labCpuMs / compared.devices, unit: 'ms', goal: GOALS.labCpuPerDevice(m.unreachable.cliDead.labCpuMs / compared.devices) },
      ],
      notes: [
        'dead devices spread evenly through the fleet; they accept TCP and never answer SSH (a black hole), so each costs a connect timeout',
        `library: keys prepared ahead, delivery compared with the change-window run; CLI: \`sftunnel-ca renew --strategy expert --allow-unreachable\` (preflight, keys, delivery, switch, verification), spawn to exit, on two fresh fleets of ${compared.devices} devices (none dead, ${compared.unreachable} dead), ${LATENCY_BOUND_CONCURRENCY} in flight`,
        ...failureNotes('this run', dead),
      ],
    },
    {
      id: 'lab',
      title: `Lab: ${n} devices (CA expired, tunnels down)`,
      figures: [
        { name: 'start', value: seconds(m.zeroLatency.lab.startMs), unit: 's' },
        { name: 'RSS of the lab’s process after start', value: m.zeroLatency.lab.rssAfterBytes / MIB, unit: 'MiB' },
        { name: 'RSS added by the start', value: (m.zeroLatency.lab.rssAfterBytes - m.zeroLatency.lab.rssBeforeBytes) / MIB, unit: 'MiB', difference: true },
      ],
      notes: [],
    },
    {
      id: 'exporter',
      title: `Exporter: /metrics for ${n} devices, from the cache`,
      figures: [
        { name: 'p50', value: m.zeroLatency.exporter.p50Ms, unit: 'ms' },
        { name: 'p99', value: m.zeroLatency.exporter.p99Ms, unit: 'ms', goal: GOALS.metricsLatency(m.zeroLatency.exporter.p99Ms) },
        { name: 'mean', value: m.zeroLatency.exporter.meanMs, unit: 'ms' },
        { name: 'scrapes timed', value: m.zeroLatency.exporter.samples, unit: 'scrapes' },
        { name: 'answer size', value: m.zeroLatency.exporter.bodyBytes / 1024, unit: 'KiB' },
        { name: 'collection round that filled the cache (SSH to the FMC)', value: seconds(m.zeroLatency.exporter.collectMs), unit: 's' },
      ],
      notes: ['HTTP GET over loopback with fetch, timed by tinybench; the exporter reads the renewed zero-latency fleet'],
    },
  ];
}
