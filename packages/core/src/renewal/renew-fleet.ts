import type { Host } from '../host/host.js';
import type { CryptoProvider } from '../pki/crypto-provider.js';
import { deliverFrom, type DeliverRenewalOptions } from './deliver.js';
import type { FmcInspection } from './inspect.js';
import type { RenewalPlan } from './plan.js';
import { startPreparation } from './prepare.js';
import { queuedHost } from '../host/queued-host.js';
import type { RenewalResult } from './renewal-result.js';
import { RunTimeline } from './run-timeline.js';

/**
 * Options of {@link renewFleet}: those of delivery (among them `unreachable`: the devices a preflight could not reach,
 * from {@link preflightUnreachable}, which are recorded failed without being dialled again), and of key generation.
 */
export interface RenewFleetOptions extends DeliverRenewalOptions {
  /** Keys generated at once; default 16 (native WebCrypto runs them on the thread pool). */
  readonly keyConcurrency?: number;
  /** The WebCrypto provider; default native. */
  readonly crypto?: CryptoProvider;
  /** How far the new certificates' notBefore and the CRL's lastUpdate are set back, in ms; default one day (see `PrepareRenewalOptions.backdateMs`). */
  readonly backdateMs?: number;
}

/**
 * Prepares and delivers a renewal in one go, generation overlapping delivery: the new InternalCA
 * and the FMC's pair are generated and staged first; then each device's key is generated, its
 * certificate issued and staged, in plan order, while up to `concurrency` devices are connected
 * and each is delivered as soon as its pair is staged (see {@link deliverRenewal} for the order of
 * switches, which is the same). The FMC switches once every pair is staged and the manifest written.
 *
 * Resumable: with the plan's staging directory and the journal of an interrupted run (even one
 * killed while keys were being generated), what is staged is reused — no key is generated twice —
 * and devices already delivered are skipped. A staging directory with a manifest is delivered as
 * prepared. The result records each phase's wall time and the change window.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param inspection - the FMC now, from {@link inspectFmc}
 * @param plan - from {@link planRenewal}
 * @param options - how to reach devices, the clock, limits, journal, events, key generation
 * @returns one record per device; never throws for a device's failure
 * @throws SftunnelCaError for the FMC's own failures (staging, its switch or restart), `RENEWAL_PREPARED_STALE`
 *
 * @example
 * ```ts
 * const plan = planRenewal(inspection, { now: new Date(), canary: 2, inventory });
 * const journal = await RenewalJournal.open('renewal.journal', { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, new Date());
 * const result = await renewFleet(fmc, inspection, plan, { connect, now: () => new Date(), journal, maxFailures: '5%' });
 * console.log(result.counts, result.changeWindow?.durationMs, result.phases.generate?.durationMs);
 * ```
 */
export async function renewFleet(fmcHost: Host, inspection: FmcInspection, plan: RenewalPlan, options: RenewFleetOptions): Promise<RenewalResult> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const timeline = new RunTimeline(options.now);
  const source = await startPreparation(
    fmc,
    inspection,
    plan,
    {
      now: options.now(),
      ...(options.keyConcurrency === undefined ? {} : { keyConcurrency: options.keyConcurrency }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(options.crypto === undefined ? {} : { crypto: options.crypto }),
      ...(options.backdateMs === undefined ? {} : { backdateMs: options.backdateMs }),
    },
    timeline,
  );
  return deliverFrom(fmc, plan, source, options, timeline);
}
