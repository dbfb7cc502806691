import { SftunnelCaError, isSftunnelCaError, type ApplianceLayout, type DeviceIdentity, type Host } from '@sftunnel-ca/core';
import { runPool } from '@sftunnel-ca/transport';
import type { Registry } from 'prom-client';
import { CollectionLoop } from './collection-loop.js';
import { ExporterMetrics } from './exporter-metrics.js';
import { readFmc } from './fmc-reading.js';
import { withHostDeadline } from './read-with-deadline.js';

/** One FMC the exporter reads. */
export interface ExporterFmc {
  /** The `fmc` label of its series: unique among the exporter's FMCs (e.g. `fmc-paris`, `fmc-paris-secondary`). */
  readonly name: string;
  /** Names and addresses of its devices by UUID, where its peer directories lack `sftunnel.json`. */
  readonly inventory?: Readonly<Record<string, DeviceIdentity>>;
  /** Its appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** The command that prints its tunnel status; default `sftunnel_status.pl`. */
  readonly tunnelStatusCommand?: string;
}

/**
 * Opens a root `Host` (core) on an FMC, e.g. `SshHost.connect(...)`. Give up when `signal`
 * aborts (the collection deadline).
 */
export type ConnectFmc<F extends ExporterFmc> = (fmc: F, signal: AbortSignal) => Promise<Host>;

/** Options of {@link createExporter}. */
export interface CreateExporterOptions<F extends ExporterFmc = ExporterFmc> {
  /** The FMCs to read. An HA pair is two FMCs: each node has its own InternalCA. */
  readonly fmcs: readonly F[];
  /** How to open each FMC. */
  readonly connect: ConnectFmc<F>;
  /** The clock for expiry verdicts and last-success times; default `() => new Date()`. Pass a lab's clock in tests. */
  readonly now?: () => Date;
  /** From the start of one collection round to the next, in ms; default `300000` (5 minutes). */
  readonly intervalMs?: number;
  /** Spread of the interval, a fraction in [0, 0.5]; default `0.1` (±10 %). */
  readonly jitter?: number;
  /** Deadline of one FMC's reading (connect included), in ms, at most the interval; default `min(120000, intervalMs / 2)`. */
  readonly deadlineMs?: number;
  /** FMCs read at once; default `8`. */
  readonly concurrency?: number;
  /** The prom-client registry to register the metrics in; default a new one (merge it with `Registry.merge`). */
  readonly registry?: Registry;
  /** A number in [0, 1) for the jitter; default `Math.random`. */
  readonly random?: () => number;
}

/** How one FMC's reading went in a round. */
export interface FmcCollectOutcome {
  /** The FMC's label. */
  readonly fmc: string;
  /** Why the reading failed (a `SftunnelCaError`, whose code, lowercase, is the `reason` label); `undefined` when it succeeded. */
  readonly error: unknown;
}

/** One collection round: every FMC read once. */
export interface CollectionRound {
  /** When it started (the exporter's clock). */
  readonly startedAt: Date;
  /** How long it took, in seconds (real time). */
  readonly durationSeconds: number;
  /** One outcome per FMC, in the order given. */
  readonly outcomes: readonly FmcCollectOutcome[];
}

/** A scrape's answer: the Prometheus text exposition format. */
export interface ScrapeResponse {
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** The metrics. */
  readonly body: string;
}

/** What `/healthz` and `/readyz` report. */
export interface ExporterStatus {
  /** Not stopped, and no round has run longer than its deadlines allow. */
  readonly live: boolean;
  /** A round has completed, so `/metrics` has something to say. */
  readonly ready: boolean;
  /** When the last round ended (the exporter's clock), if one has. */
  readonly lastRoundEndedAt: Date | undefined;
}

/** A running exporter: its registry, its collection loop, and its answers. */
export interface Exporter {
  /** The registry holding the exporter's metrics; merge it into an application's with `Registry.merge`. */
  readonly registry: Registry;
  /** Starts collecting: a round now, then one per interval (with jitter). Safe to call twice. */
  start(): void;
  /** Runs a round now, or joins the round under way (rounds never overlap). */
  collect(): Promise<CollectionRound>;
  /** The metrics as they were at the end of the last round; never waits for SSH. */
  scrape(): Promise<ScrapeResponse>;
  /** Liveness and readiness. */
  status(): ExporterStatus;
  /** Stops collecting and waits for the round under way. */
  stop(): Promise<void>;
}

/**
 * Creates an exporter: Prometheus metrics for the InternalCA, the device certificates and the
 * tunnels of every FMC given, refreshed by a collection loop over `connect` (SSH, or the lab),
 * served from memory. Embed it with {@link exporterRequestHandler} or
 * `Registry.merge([appRegistry, exporter.registry])`, or serve it with {@link startExporterServer}.
 *
 * @param options - the FMCs, how to reach them, and the loop's timing
 * @throws SftunnelCaError `INVALID_ARGUMENT` for duplicate FMC names or timings out of range
 *
 * @example
 * ```ts
 * const exporter = createExporter({
 *   fmcs: [{ name: 'fmc-paris' }],
 *   connect: (fmc, signal) =>
 *     SshHost.connect({ host: '192.0.2.10', username: 'root', password, hostKeys, strategy: 'direct', signal }),
 *   intervalMs: 300_000,
 * });
 * exporter.start();
 * const merged = Registry.merge([appRegistry, exporter.registry]);
 * ```
 */
export function createExporter<F extends ExporterFmc>(options: CreateExporterOptions<F>): Exporter {
  const { fmcs, connect } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 300_000;
  const jitter = options.jitter ?? 0.1;
  const deadlineMs = options.deadlineMs ?? Math.min(120_000, intervalMs / 2);
  const names = fmcs.map((f) => f.name);
  if (new Set(names).size !== names.length || names.some((n) => n === '')) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `FMC names label the series and must be unique and non-empty, got ${JSON.stringify(names)}`, { step: 'create-exporter' });
  }
  if (!(intervalMs >= 1000) || !(jitter >= 0 && jitter <= 0.5) || !(deadlineMs > 0 && deadlineMs <= intervalMs)) {
    throw new SftunnelCaError(
      'INVALID_ARGUMENT',
      `the exporter needs intervalMs ≥ 1000, jitter in [0, 0.5] and 0 < deadlineMs ≤ intervalMs; got ${intervalMs}, ${jitter}, ${deadlineMs}`,
      { step: 'create-exporter' },
    );
  }
  const metrics = new ExporterMetrics(options.registry);
  for (const name of names) metrics.declare(name);
  const concurrency = options.concurrency ?? 8;
  // A round reads ⌈FMCs / concurrency⌉ batches, each within the deadline; longer means wedged.
  const roundLimitMs = (Math.ceil(fmcs.length / concurrency) + 1) * deadlineMs;
  let lastRoundEndedAt: Date | undefined;

  const readOne = async (fmc: F): Promise<void> => {
    const reading = await withHostDeadline({ fmc: fmc.name, deadlineMs, connect: (signal) => connect(fmc, signal) }, (host, signal) =>
      readFmc(host, {
        now: now(),
        signal,
        ...(fmc.layout === undefined ? {} : { layout: fmc.layout }),
        ...(fmc.inventory === undefined ? {} : { inventory: fmc.inventory }),
        ...(fmc.tunnelStatusCommand === undefined ? {} : { tunnelStatusCommand: fmc.tunnelStatusCommand }),
      }),
    );
    metrics.record(fmc.name, reading, now());
  };

  const round = async (): Promise<CollectionRound> => {
    const startedAt = now();
    const started = performance.now();
    const outcomes = await runPool(fmcs, readOne, { concurrency });
    const result = outcomes.map((outcome): FmcCollectOutcome => {
      if (outcome.ok) return { fmc: outcome.item.name, error: undefined };
      metrics.recordError(outcome.item.name, reasonOf(outcome.error));
      return { fmc: outcome.item.name, error: outcome.error };
    });
    const durationSeconds = (performance.now() - started) / 1000;
    metrics.recordRound(durationSeconds);
    lastRoundEndedAt = now();
    return { startedAt, durationSeconds, outcomes: result };
  };

  const loop = new CollectionLoop(round, { intervalMs, jitter, ...(options.random === undefined ? {} : { random: options.random }) });
  let stopped = false;
  return {
    registry: metrics.registry,
    start: () => loop.start(),
    collect: () => loop.runNow(),
    scrape: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    status: () => {
      const since = loop.roundStartedAt;
      const wedged = since !== undefined && Date.now() - since > roundLimitMs;
      return { live: !stopped && !wedged, ready: lastRoundEndedAt !== undefined, lastRoundEndedAt };
    },
    stop: async () => {
      stopped = true;
      await loop.stop();
    },
  };
}

/** The `reason` label of a failed reading: the error's code, lowercase, or `unexpected` for an error without one (a bug). */
function reasonOf(error: unknown): string {
  return isSftunnelCaError(error) ? error.code.toLowerCase() : 'unexpected';
}
