import type { MetricsLatency } from './exporter-latency.js';
import type { BenchSize, RenewalRun, StartedLab } from './fleet-scenarios.js';
import { LATENCY_BOUND_CONCURRENCY, OPENSSL_PROCESSES } from './fleet-scenarios.js';
import { GOALS } from './goals.js';
import type { KeyRate } from './key-generation.js';
import { REALISTIC_LATENCY } from './realistic-latency.js';
import { ENGINE_KEY_CONCURRENCY, ONE_GO_IS_PIPELINED } from './renewal-run.js';
import type { Measured } from './renewer-process.js';
import type { Figure, ReportSection } from './report.js';
import type { VendorCopyMeasurement } from './vendor-copy.js';

/** Everything one run of the benchmark measured, before it becomes the report's sections. */
export interface BenchMeasurements {
  readonly size: BenchSize;
  readonly limit: { readonly provider: Measured<KeyRate>; readonly openssl: Measured<KeyRate> };
  readonly zeroLatency: { readonly lab: Omit<StartedLab, 'lab'>; readonly run: RenewalRun; readonly exporter: MetricsLatency };
  readonly realistic: { readonly prepared: RenewalRun; readonly oneGo: RenewalRun; readonly peer: Measured<VendorCopyMeasurement> };
  readonly unreachable: RenewalRun;
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

function processFigures(run: RenewalRun): Figure[] {
  const peakMiB = run.usage.peakRssBytes / MIB;
  return [
    { name: 'CPU time of the renewing process', value: seconds(run.usage.cpuMs), unit: 's' },
    { name: 'peak RSS of the renewing process', value: peakMiB, unit: 'MiB', goal: GOALS.renewerPeakRss(peakMiB) },
  ];
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
  const oursOverLimit = ours.measurement.wallMs / (provider.result.seconds * 1000);
  const peerPerDeviceMs = m.realistic.peer.result.wallMs / m.realistic.peer.result.devices;
  const peerExtrapolatedMs = peerPerDeviceMs * n;
  const speedup = peerExtrapolatedMs / deliveryMs(m.realistic.prepared);
  const speedupEndToEnd = peerExtrapolatedMs / m.realistic.oneGo.measurement.wallMs;
  const cpuFloorMs = (ours.usage.cpuMs + ours.labCpuMs) / cores;
  const changeWindowS = seconds(m.realistic.prepared.changeWindowMs ?? Number.NaN);
  const unreachableAddedS = seconds(deliveryMs(m.unreachable) - deliveryMs(m.realistic.prepared));
  const latencyNote = `lab slow fault set from the vendor transcript: login ${REALISTIC_LATENCY.loginLatencyMs.min / 1000}–${REALISTIC_LATENCY.loginLatencyMs.max / 1000} s (spread over the fleet), ${REALISTIC_LATENCY.commandLatencyMs} ms per command / shell line / login step, dead devices black-holed and given up after ${REALISTIC_LATENCY.connectTimeoutMs / 1000} s; the FMC itself is not slowed`;
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
        ...processFigures(ours),
        { name: 'CPU time of the lab’s process during the run (SSH servers, shells, TLS)', value: seconds(ours.labCpuMs), unit: 's' },
        { name: `CPU floor: (renewer + lab CPU) ÷ ${cores} cores`, value: seconds(cpuFloorMs), unit: 's' },
        { name: 'CPU floor ÷ limit', value: cpuFloorMs / (provider.result.seconds * 1000), unit: '×' },
        { name: `the renewer's own floor: its CPU ÷ ${cores} cores (real FTDs run their side on their own CPUs)`, value: seconds(ours.usage.cpuMs / cores), unit: 's' },
        { name: 'the renewer’s own floor ÷ limit', value: ours.usage.cpuMs / cores / (provider.result.seconds * 1000), unit: '×' },
        ...outcomeFigures(ours),
        ...phaseFigures(ours),
      ],
      notes: [
        `devices reached over real SSH as root (exec and SFTP; the lab's expert-shell emulation costs ~4× the lab's CPU per device), host keys pinned; the engine's default devices in flight; keys ${ENGINE_KEY_CONCURRENCY} at once`,
        `the renewing process is a child Node process (tsx loader included: ${(ours.usage.startRssBytes / MIB).toFixed(0)} MiB RSS before the renewal started)`,
        ...failureNotes('this run', ours),
      ],
    },
    {
      id: 'realistic',
      title: `Realistic latency: ${n} devices renewed end to end`,
      figures: [
        { name: 'wall, inspection to last tunnel up', value: seconds(m.realistic.oneGo.measurement.wallMs), unit: 's' },
        { name: `serial copy (extrapolated to ${n}) ÷ our delivery of keys prepared ahead (like for like: both copy files already made)`, value: speedup, unit: '×', goal: GOALS.speedupOverSerialCopy(speedup), extrapolated: true },
        { name: `serial copy (extrapolated to ${n}, its keys not counted) ÷ ours end to end (keys generated too)`, value: speedupEndToEnd, unit: '×', extrapolated: true },
        ...processFigures(m.realistic.oneGo),
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
      ],
      notes: [
        `same realistic-latency fleet, devices reached as the renewer reaches them; connect timeout ${REALISTIC_LATENCY.connectTimeoutMs / 1000} s; per device: connect and log in, three files, pmtool restartbyid sftunnel, close`,
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
        { name: 'CPU time of the lab’s process during the run', value: seconds(m.realistic.prepared.labCpuMs), unit: 's' },
        ...outcomeFigures(m.realistic.prepared),
      ],
      notes: ['first live write as the engine records it, last tunnel up from the lab’s own tunnel records (same machine clock)', ...failureNotes('this run', m.realistic.prepared)],
    },
    {
      id: 'unreachable',
      title: `Unreachable: the same ${n} devices with ${m.size.unreachable} dead`,
      figures: [
        { name: `delivery with ${m.size.unreachable} unreachable`, value: seconds(deliveryMs(m.unreachable)), unit: 's' },
        { name: 'delivery with none (change-window run)', value: seconds(deliveryMs(m.realistic.prepared)), unit: 's' },
        { name: 'added by the unreachable devices', value: unreachableAddedS, unit: 's', goal: GOALS.unreachableCost(unreachableAddedS), difference: true },
        { name: 'devices failed (listed in FAILED_PUSH)', value: m.unreachable.measurement.counts.failed, unit: 'devices', mayBeZero: true },
        ...outcomeFigures(m.unreachable),
      ],
      notes: ['dead devices spread evenly through the fleet; they accept TCP and never answer SSH (a black hole), so each costs a connect timeout', ...failureNotes('this run', m.unreachable)],
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
