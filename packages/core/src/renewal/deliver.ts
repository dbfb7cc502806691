/**
 * Delivery: the order of switches, and why.
 *
 * Both ends of a tunnel verify each other against the InternalCA they hold, and a tunnel that is
 * up stays up whatever the files say: files are only read when sftunnel (re)connects. So:
 *
 * 1. **Devices first, without restarting anything.** Each device gets its three new files
 *    (backups kept) and they are verified there. Its running tunnel is not touched, so a device
 *    whose tunnel is up stays up — even when the old CA has already expired (situation 2: nothing
 *    may drop a tunnel before that device has its new files; no FMC restart first).
 * 2. **Then the FMC switches, once.** Its live CA, CRL, certificate and key (paths from
 *    sftunnel.conf) and each device's `certs_pushed` pair are replaced from the staging
 *    directory (backups kept), and its sftunnel restarted: every tunnel reconnects with the new files on both sides. The FMC now
 *    accepts only certificates of the new CA, so a tunnel it shows up is a tunnel on the new CA.
 * 3. **Then each device whose tunnel did not come back** gets `pmtool restartbyid sftunnel`
 *    (the manual method's step: a device that reads its files only at start) and its tunnel is
 *    checked on the FMC.
 *
 * The same order serves the three situations: CA not yet expired with tunnels up (1 keeps them up
 * until 2, which drops each tunnel for one reconnect); expired with tunnels up (no tunnel drops
 * before its device has the new files); expired with tunnels down (1 is the copy step over SSH,
 * 2 and 3 bring them up). A device that cannot be reached in 1 is listed in FAILED_PUSH; the FMC
 * still switches (as generate_certs.pl does) unless the run was stopped by a canary or
 * `maxFailures`, in which case the FMC is left as it is and devices already delivered wait for a
 * resumed run (or a rollback). Canaries therefore prove the delivery (connect, write, verify on the
 * device) before any other device is touched; no tunnel can prove the new CA before the FMC switches.
 */
import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { formatFailedPush, parseFailedPush, type FailedPushRecord } from '../formats/failed-push.js';
import type { Host } from '../host/host.js';
import { DEFAULT_APPLIANCE_LAYOUT, fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { runBounded } from '../host/bounded-run.js';
import { copyOnHost, type HostCopy } from './copy-on-host.js';
import { assertPlanCoverage } from './coverage.js';
import { preparedSource, type DeliverySource } from './delivery-source.js';
import { deliverFiles } from './device-files.js';
import { sha256 } from '../host/sha256.js';
import { bringTunnelsUp, createDeviceRun, finishRun, runOnDevice, type DeviceRun, type DeviceRunOptions } from './device-run.js';
import type { RenewalJournal, ReplacedFile } from './journal.js';
import type { RenewalPlan } from './plan.js';
import type { PreparedRenewal } from './prepared-manifest.js';
import type { RenewalResult } from './renewal-result.js';
import { RunTimeline } from './run-timeline.js';
import { queuedHost } from '../host/queued-host.js';
import { restartSftunnel } from './sftunnel-control.js';
import { tlsProbeOf, type SftunnelTlsProbe } from './sftunnel-tls-probe.js';

/** Options of {@link deliverRenewal}. */
export interface DeliverRenewalOptions extends DeviceRunOptions {
  /** Stop starting devices once this many failed: a count, or a percentage of the devices such as `"10%"`; default no limit. */
  readonly maxFailures?: number | `${number}%`;
  /** The journal to record steps in and to resume from. */
  readonly journal?: RenewalJournal;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** Operations on the FMC at once; default 1 (one appliance serves the whole fleet: its commands are queued; the lab runs one mutating command at a time). */
  readonly fmcConcurrency?: number;
  /**
   * A live TLS probe in verify: once the FMC shows a device's tunnel up, a TLS 1.2 handshake with
   * the device's sftunnel port using the FMC's new certificate and key, the device's certificate
   * verified against the new CA (`TLS_PROBE_FAILED` otherwise). E.g. `probeSftunnelTls` of
   * `@sftunnel-ca/transport`. Default none (the FMC's tunnel status only).
   */
  readonly tlsProbe?: SftunnelTlsProbe;
}

const decoder = new TextDecoder();

/**
 * Delivers a prepared renewal: devices' files first (tunnels left running), then the FMC's switch
 * and restart, then a restart of each device whose tunnel did not come back (see the module's
 * comment for why this order). Bounded concurrency with a deadline per device; canaries (from the
 * plan) first, and no further device starts when one fails; `maxFailures` stops new starts once
 * reached. Failed devices get a cause code and their lines in `<staging>/FAILED_PUSH` in the
 * vendor's format. With a journal, a resumed run skips what is done and writes nothing twice.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param plan - from {@link planRenewal}
 * @param prepared - from {@link prepareRenewal} or {@link loadPreparedRenewal}
 * @param options - how to reach devices, the clock, limits, journal, events
 * @returns one record per device; never throws for a device's failure
 * @throws SftunnelCaError for the FMC's own failures (its switch or restart)
 *
 * @example
 * ```ts
 * const plan = planRenewal(inspection, { now, canary: 2, inventory });
 * const prepared = await prepareRenewal(fmc, inspection, plan, { now });
 * const result = await deliverRenewal(fmc, plan, prepared, {
 *   connect: (device, signal) => SshHost.connect({ host: device.address, username: 'admin', password, strategy: 'expert', hostKeys, signal }),
 *   now: () => new Date(),
 *   maxFailures: '5%',
 *   journal: await RenewalJournal.open('renewal.journal', { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now),
 *   onEvent: (event) => console.log(event.type),
 * });
 * console.log(result.counts);
 * ```
 */
export async function deliverRenewal(fmcHost: Host, plan: RenewalPlan, prepared: PreparedRenewal, options: DeliverRenewalOptions): Promise<RenewalResult> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const timeline = new RunTimeline(options.now);
  return deliverFrom(fmc, plan, await preparedSource(fmc, prepared), options, timeline);
}

/**
 * The delivery of {@link deliverRenewal} and {@link renewFleet}, from any {@link DeliverySource}:
 * devices' files (each as soon as the source has its pair), the FMC's switch (once the source is
 * complete), tunnels up, FAILED_PUSH.
 *
 * @param fmc - the FMC, queued
 * @param plan - the plan
 * @param source - where the new files come from
 * @param options - as for {@link deliverRenewal}
 * @param timeline - records the phases and the change window
 */
export async function deliverFrom(fmc: Host, plan: RenewalPlan, source: DeliverySource, options: DeliverRenewalOptions, timeline: RunTimeline): Promise<RenewalResult> {
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const startedAt = options.now();
  const { journal } = options;
  const newCa = source.ca;
  const caPem = newCa.pem;
  options.onEvent?.({ type: 'run:start', fmc: fmc.name, stagingDirectory: source.stagingDirectory, devices: plan.devices.length });

  // Switched already: journaled, or the inspection the plan was made from found the new CA live (a copy run).
  const switchedBefore = journal?.fmcSwitch !== undefined || plan.fmc.ca.fingerprintSha256 === newCa.fingerprintSha256;
  // A run that will switch the FMC must cover every device it manages: checked before anything is touched.
  if (!switchedBefore) assertPlanCoverage(plan);

  const runs = plan.devices.map((device) => {
    const delivered = journal?.delivered(device.uuid);
    return createDeviceRun(device, delivered === undefined ? {} : { backups: delivered.backups, before: delivered.before, replaced: delivered.replaced ?? {} });
  });
  // Left out on purpose: staged, listed in FAILED_PUSH, never dialled.
  for (const run of runs.filter((r) => r.device.leftOut && journal?.delivered(r.device.uuid) === undefined)) {
    run.outcome = 'failed';
    run.cause = 'DEVICE_LEFT_OUT';
    run.message = `${run.device.name} was left out on purpose: it drops at its next reconnect once the FMC has switched, until its files are copied`;
  }

  // ── 1. devices' files ──
  const budget = failureBudget(options.maxFailures, plan.devices.filter((d) => !d.leftOut).length);
  let failures = 0;
  let stopped: RenewalResult['stopped'];
  const deliverOne = async (run: DeviceRun): Promise<void> => {
    const { uuid } = run.device;
    if (journal?.delivered(uuid) !== undefined) {
      Object.assign(run, { outcome: journal.renewed(uuid) ? 'renewed' : 'delivered', alreadyDelivered: true, step: journal.renewed(uuid) ? 'tunnel' : 'verify' });
      return;
    }
    await timeline.span('deliver', () =>
      runOnDevice(run, options, async (host, signal, step) => {
        // Connected first: the device's pair may still be being generated.
        const pair = await source.devicePair(uuid);
        const content = { caCertificate: caPem, sftunnelCertificate: pair.certificate, sftunnelKey: pair.key };
        const files = run.device.files.map((file) => ({ destination: file.destination, content: content[file.role], sha256: sha256(content[file.role]) }));
        const reopen = (restoreSignal: AbortSignal): Promise<Host> => options.connect(run.device, restoreSignal);
        await deliverFiles(host, run, files, { newCa, now: options.now(), signal, step, layout, reopen, onLiveWrite: () => timeline.liveWrite() });
        run.outcome = 'delivered';
        await journal?.record({ type: 'delivered', uuid, backups: run.backups, before: run.before, replaced: run.replaced });
      }),
    );
    // A device preflight found unreachable was accepted as such (allowUnreachable): it is FAILED_PUSH's, not the budget's.
    if (run.outcome === 'failed' && options.unreachable?.has(uuid) !== true) {
      failures += 1;
      if (run.device.canary) stopped = 'canary-failed';
      else if (failures >= budget) stopped = 'max-failures';
    }
  };
  const mayStart = (): boolean => stopped === undefined;
  const toDeliver = runs.filter((r) => r.outcome === 'not-started');
  await runBounded(toDeliver.filter((r) => r.device.canary), options.concurrency ?? 16, deliverOne, mayStart);
  await runBounded(toDeliver.filter((r) => !r.device.canary), options.concurrency ?? 16, deliverOne, mayStart);
  for (const run of runs.filter((r) => r.outcome === 'not-started')) {
    run.cause = 'RENEWAL_STOPPED';
    run.message = stopped === 'canary-failed' ? 'a canary failed; no further device was started' : `${failures} devices failed (maxFailures); no further device was started`;
  }
  const prepared = await source.prepared();
  const newCertificates = new Map(prepared.devices.map((d) => [d.uuid, d.certificate.certificate.fingerprintSha256]));
  for (const run of runs.filter((r) => r.outcome === 'delivered' || r.outcome === 'renewed')) {
    run.after = { caFingerprintSha256: prepared.ca.certificate.fingerprintSha256, certificateFingerprintSha256: newCertificates.get(run.device.uuid) };
  }

  // ── 2. the FMC's switch ──
  let fmcSwitched = switchedBefore;
  if (stopped === undefined && !fmcSwitched) {
    options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'start' });
    await timeline.span('switch', async () => {
      timeline.liveWrite();
      const replaced = await switchFmc(fmc, plan, prepared, layout, options.now());
      await restartSftunnel(fmc, 'fmc-switch');
      const backups = Object.fromEntries(Object.entries(replaced).map(([path, file]) => [path, file.backup]));
      await journal?.record({ type: 'fmc-switched', backups, replaced });
    });
    fmcSwitched = true;
    options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'done' });
  } else if (!fmcSwitched) {
    options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'skipped' });
  }

  // ── 3. tunnels back up (and, with a TLS probe, proven on the new files) ──
  if (fmcSwitched) {
    const probe = options.tlsProbe === undefined ? undefined : await tlsProbeOf(options.tlsProbe, source, options);
    await timeline.span('verify', () =>
      bringTunnelsUp(
        fmc,
        runs.filter((r) => r.outcome === 'delivered'),
        options,
        async (run) => {
          await probe?.(run);
          run.outcome = 'renewed';
          timeline.tunnelUp();
          await journal?.record({ type: 'renewed', uuid: run.device.uuid });
        },
      ),
    );
  }

  // ── FAILED_PUSH, records ──
  const failedPushPath = await updateFailedPush(fmc, runs, prepared, layout);
  return finishRun({ fmc: fmc.name, stagingDirectory: prepared.stagingDirectory, fmcSwitched, stopped, failedPushPath }, runs, startedAt, options, timeline);
}

/**
 * `<staging>/FAILED_PUSH` in the vendor's format: the lines of an earlier run for devices this run
 * did not cover, then three lines per device that failed now. A copy run that completes every
 * device it covers thus empties it of them. Returns its path when it lists any device.
 */
async function updateFailedPush(fmc: Host, runs: readonly DeviceRun[], prepared: PreparedRenewal, layout: ApplianceLayout): Promise<string | undefined> {
  const path = posix.join(prepared.stagingDirectory, layout.fmc.failedPushFileName);
  const covered = new Set(runs.map((r) => r.device.uuid));
  const earlier = (await fmc.exists(path)) ? parseFailedPush(decoder.decode(await fmc.readFile(path)), { file: path, layout }).entries : [];
  const kept: FailedPushRecord[] = earlier.filter((entry) => !covered.has(entry.deviceUuid));
  const lines = kept.concat(
    runs
      .filter((r) => r.outcome === 'failed')
      .flatMap((r) => r.device.files.map((file) => ({ deviceUuid: r.device.uuid, deviceName: r.device.name, deviceAddress: r.device.address, sourcePath: file.source, destinationPath: file.destination }))),
  );
  if (lines.length === 0 && earlier.length === 0) return undefined;
  await fmc.writeFileAtomic(path, formatFailedPush(lines), { mode: 0o644 });
  return lines.length === 0 ? undefined : path;
}

/**
 * Step 2: replace each device's `certs_pushed` pair (the FMC's record of what the device holds)
 * and the FMC's live files — CRL, its own pair, the InternalCA's key (`layout.fmc.caKey`, 0600:
 * the FMC signs every device it registers later with it) and the InternalCA last — from the
 * staging directory, in a few commands. Each replaced file is kept as `*.backup` (an earlier
 * generation's backup moved aside), so a rollback of this run restores exactly what it replaced.
 * Nothing here is read by sftunnel until the restart that follows.
 */
async function switchFmc(fmc: Host, plan: RenewalPlan, prepared: PreparedRenewal, layout: ApplianceLayout, now: Date): Promise<Record<string, ReplacedFile>> {
  const backupSuffix = layout.backupSuffix;
  const planned = new Set(plan.devices.map((d) => d.uuid));
  const copies: HostCopy[] = prepared.devices
    .filter((d) => planned.has(d.uuid))
    .flatMap((d) => {
      const pushed = fmcPushedFiles(layout, d.uuid);
      return [
        { source: d.certificate.path, destination: pushed.sftunnelCertificate, sha256: d.certificate.sha256, mode: 0o644, backupSuffix },
        { source: d.key.path, destination: pushed.sftunnelKey, sha256: d.key.sha256, mode: 0o600, backupSuffix },
      ];
    });
  copies.push(
    { source: prepared.crl.path, destination: plan.livePaths.caCrl, sha256: prepared.crl.sha256, mode: 0o644, backupSuffix },
    { source: prepared.fmc.key.path, destination: plan.livePaths.sftunnelKey, sha256: prepared.fmc.key.sha256, mode: 0o600, backupSuffix },
    { source: prepared.fmc.certificate.path, destination: plan.livePaths.sftunnelCertificate, sha256: prepared.fmc.certificate.sha256, mode: 0o644, backupSuffix },
    { source: prepared.caKey.path, destination: layout.fmc.caKey, sha256: prepared.caKey.sha256, mode: 0o600, backupSuffix },
    { source: prepared.ca.path, destination: plan.livePaths.caCertificate, sha256: prepared.ca.sha256, mode: 0o644, backupSuffix },
  );
  return copyOnHost(fmc, copies, { step: 'fmc-switch', now });
}

function failureBudget(maxFailures: DeliverRenewalOptions['maxFailures'], devices: number): number {
  if (maxFailures === undefined) return Number.POSITIVE_INFINITY;
  if (typeof maxFailures === 'number') {
    if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new SftunnelCaError('INVALID_ARGUMENT', `maxFailures must be a whole number ≥ 1 or a percentage, not ${String(maxFailures)}`, { step: 'deliver' });
    return maxFailures;
  }
  const percent = Number(maxFailures.slice(0, -1));
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) throw new SftunnelCaError('INVALID_ARGUMENT', `maxFailures ${maxFailures} is not a percentage from 0 to 100`, { step: 'deliver' });
  return Math.max(1, Math.ceil((devices * percent) / 100));
}
