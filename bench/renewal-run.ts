/**
 * The one place the benchmark calls the renewal engine: every scenario renews through
 * {@link measureRenewal}, so moving to another engine entry point changes this file only.
 */
import {
  deliverRenewal,
  inspectFmc,
  planRenewal,
  prepareRenewal,
  renewFleet,
  type DeviceOutcome,
  type Host,
  type PhaseSpan,
  type RenewalPhase,
  type RenewalResult,
} from '@sftunnel-ca/core';
import { openAppliance, type DeviceStrategy, type LabAccess } from './lab-access.js';

/** Keys generated at once: the engine's default (`keyConcurrency`), passed explicitly so the limit uses the same. */
export const ENGINE_KEY_CONCURRENCY = 16;

/**
 * `one-go`: the renewal as an operator runs it, from inspection to the last tunnel up.
 * `prepared-ahead`: keys and certificates prepared first, then delivered (the change window).
 */
export type RenewalMode = 'one-go' | 'prepared-ahead';

/** Whether `one-go` overlaps key generation with delivery; when not, it is the same run as `prepared-ahead`. */
export const ONE_GO_IS_PIPELINED = true;

/** The engine entry points the runs use, for the report. */
export const ENGINE_ENTRY_POINT = 'one-go: inspectFmc → planRenewal → renewFleet (pipelined); prepared ahead: prepareRenewal, then deliverRenewal';

/** How {@link measureRenewal} renews. */
export interface RenewalSettings {
  readonly mode: RenewalMode;
  /** Devices in flight; `undefined` for the engine's default. */
  readonly concurrency: number | undefined;
  /** Connect timeout per device. */
  readonly connectTimeoutMs: number;
  /** How devices are reached. */
  readonly deviceStrategy: DeviceStrategy;
}

/** One phase of a run and how long it took (the engine's phases are spans, which overlap in a one-go run). */
export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

/** What one renewal run measured (times from inside the renewing process). */
export interface FleetRenewalMeasurement {
  /** From inspection to the engine's return, in ms. */
  readonly wallMs: number;
  /** `prepared-ahead` only: the preparation's wall (keys, certificates, staging), in ms. */
  readonly prepareMs: number | undefined;
  /** The delivery's wall (`prepared-ahead`: the whole `deliverRenewal` call), in ms. */
  readonly deliveryMs: number | undefined;
  /** inspect, plan, (prepare,) then the engine's phases in order. */
  readonly phases: readonly PhaseTiming[];
  /** When a live file was first written (`Date.now()` clock), if one was. */
  readonly firstLiveWriteAt: number | undefined;
  /** The change window as the engine recorded it, in ms. */
  readonly engineChangeWindowMs: number | undefined;
  /** Devices by outcome. */
  readonly counts: Readonly<Record<DeviceOutcome, number>>;
  /** Failed devices by cause code and step, e.g. `CONNECT_TIMEOUT at connect`. */
  readonly failures: Readonly<Record<string, number>>;
}

const ENGINE_PHASES: readonly RenewalPhase[] = ['generate', 'stage', 'deliver', 'switch', 'verify'];

function failureCauses(result: RenewalResult): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const device of result.devices.filter((d) => d.outcome === 'failed')) {
    const key = `${device.cause ?? 'unknown'} at ${device.step ?? 'start'}`;
    causes[key] = (causes[key] ?? 0) + 1;
  }
  return causes;
}

async function timed<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/**
 * Renews a lab fleet's InternalCA end to end over real SSH (host keys pinned) and times it: inspect,
 * plan, then the engine's own phase spans (generate, stage, deliver, switch, verify) and change window.
 *
 * @param access - the lab's FMC and devices
 * @param fmc - the FMC, as root
 * @param options - mode, devices in flight, connect timeout, how devices are reached
 */
export async function measureRenewal(access: LabAccess, fmc: Host, options: RenewalSettings): Promise<FleetRenewalMeasurement> {
  const labNow = (): Date => new Date(Date.now() + access.clockOffsetMs);
  const devices = new Map(access.devices.map((d) => [d.name, d]));
  const delivery = {
    connect: (device: { readonly name: string }, signal: AbortSignal) => {
      const target = devices.get(device.name);
      if (target === undefined) throw new Error(`the plan names ${device.name}, which is not in the lab`);
      return openAppliance(target, { strategy: options.deviceStrategy, connectTimeoutMs: options.connectTimeoutMs, signal });
    },
    now: labNow,
    layout: access.layout,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };

  const start = performance.now();
  const now = labNow();
  const inspection = await timed(() => inspectFmc(fmc, { now, layout: access.layout }));
  const inventory = Object.fromEntries(access.devices.map((d) => [d.uuid, { name: d.name, address: d.address }]));
  const plan = await timed(async () => planRenewal(inspection.value, { now, inventory }));
  let result: RenewalResult;
  let prepareMs: number | undefined;
  let deliveryMs: number | undefined;
  if (options.mode === 'one-go') {
    result = await renewFleet(fmc, inspection.value, plan.value, { ...delivery, keyConcurrency: ENGINE_KEY_CONCURRENCY });
  } else {
    const prepared = await timed(() => prepareRenewal(fmc, inspection.value, plan.value, { now, keyConcurrency: ENGINE_KEY_CONCURRENCY }));
    const delivered = await timed(() => deliverRenewal(fmc, plan.value, prepared.value, delivery));
    result = delivered.value;
    prepareMs = prepared.ms;
    deliveryMs = delivered.ms;
  }
  const wallMs = performance.now() - start;
  const engine = ENGINE_PHASES.flatMap((phase) => {
    const span: PhaseSpan | undefined = result.phases[phase];
    return span === undefined ? [] : [{ phase, ms: span.durationMs }];
  });
  const window = result.changeWindow;
  return {
    wallMs,
    prepareMs,
    deliveryMs,
    phases: [{ phase: 'inspect', ms: inspection.ms }, { phase: 'plan', ms: plan.ms }, ...(prepareMs === undefined ? [] : [{ phase: 'prepare (ahead)', ms: prepareMs }]), ...engine],
    firstLiveWriteAt: window === undefined ? undefined : Date.parse(window.startedAt) - access.clockOffsetMs,
    engineChangeWindowMs: window?.durationMs,
    counts: result.counts,
    failures: failureCauses(result),
  };
}
