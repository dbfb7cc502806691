/**
 * Renewal with the vendor's generator: generate_certs.pl renews the InternalCA on the FMC and
 * switches it; sftunnel-ca does the rest as for its own generation.
 *
 * The FMC's internals (where the CA key is kept, what else the FMC signs with) are not public; the
 * fixed hotfix's generate_certs.pl knows them. It renews the CA, its key and CRL, the FMC's pair and
 * every device's `certs_pushed` pair in place, restarts the FMC's tunnels and pushes the three
 * files to each device whose tunnel is up, writing FAILED_PUSH for the others. So the order here is:
 *
 * 1. **Nothing changes before the script would run**: it is asked first and answered `no` (it
 *    refuses then when a critical task is under way).
 * 2. **Backups**: the three files of every planned device whose tunnel is up (the script keeps no
 *    backup on a device), then every FMC file the script replaces, as the FMC's own switch keeps them.
 * 3. **The script**, its two questions answered `yes`: the FMC is switched.
 * 4. **Adoption**: its set is checked and staged in the run's staging directory with a manifest,
 *    its FAILED_PUSH moved beside it, and the FMC journaled as switched with its backups.
 * 5. **Delivery** with the engine of {@link deliverRenewal}: devices the script reached are found
 *    holding the set and verified; the others get their files; every tunnel is brought up on the new
 *    CA and checked; FAILED_PUSH ends up listing only what still failed.
 */
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { assertPlanCoverage } from './coverage.js';
import { deliverFrom, type DeliverRenewalOptions } from './deliver.js';
import { preparedSource } from './delivery-source.js';
import type { FmcInspection } from './inspect.js';
import type { ReplacedFile } from './journal.js';
import type { RenewalPlan } from './plan.js';
import { loadPreparedRenewal } from './prepared-manifest.js';
import { queuedHost } from '../host/queued-host.js';
import { remoteDigests } from '../host/remote-digest.js';
import type { RenewalResult } from './renewal-result.js';
import { RunTimeline } from './run-timeline.js';
import { stagedFmcFiles } from './staging-layout.js';
import { backUpFmcFiles, backUpPushedDevices } from './vendor-backups.js';
import { runGenerateCerts } from './vendor-generate-certs.js';
import { chooseRenewalGenerator, GENERATE_CERTS_SCRIPT, probeVendorGenerator } from './vendor-generator.js';
import { adoptVendorSet, collectScriptFailedPush } from './vendor-staging.js';

/** Options of {@link renewWithVendorGenerator}: those of delivery, and the script's deadline. */
export interface VendorRenewalOptions extends DeliverRenewalOptions {
  /** Deadline of generate_certs.pl's run, in milliseconds; default 1,800,000 (it renews and pushes for the whole fleet). */
  readonly generateCertsTimeoutMs?: number;
}

/**
 * Renews an FMC's InternalCA with the vendor's generate_certs.pl and delivers, verifies and
 * journals with sftunnel-ca's engine (see the module's comment for the order). The script is
 * asked first and answered `no`, so a refusal changes nothing; the files it replaces are backed
 * up first on the FMC (as the FMC's switch keeps them) and, for devices whose tunnel is up (it
 * pushes to those), on the devices; its set is adopted as a prepared renewal in the plan's staging
 * directory (`manifest.json`), the FMC journaled as switched (`fmc-switched`: each backup with the
 * sha256 it holds and of what the script wrote),
 * and every planned device delivered as by {@link deliverRenewal}. A rollback of the journal puts
 * the previous files back as for a renewal of sftunnel-ca's own.
 *
 * Resumable: once the set is adopted (the staging directory holds its manifest), a run with the
 * same staging directory and journal delivers what is left and never runs the script again. A run
 * killed while the script runs has no manifest: check the FMC, then run again (the first backups
 * are kept) or roll back.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param inspection - the FMC now, from {@link inspectFmc}
 * @param plan - from {@link planRenewal} for that inspection; its staging directory receives the set
 * @param options - how to reach devices, the clock, limits, journal, events, the script's deadline
 * @returns one record per device; never throws for a device's failure
 * @throws SftunnelCaError `VENDOR_GENERATOR_UNAVAILABLE` (the FMC has no fixed generate_certs.pl),
 *   `VENDOR_GENERATOR_REFUSED` (a critical task is under way), `VENDOR_BACKUP_FAILED` (a device the
 *   script would push to could not be backed up) — each with nothing changed on the FMC;
 *   `VENDOR_GENERATOR_FAILED` when the script fails or leaves a set that is not one renewal;
 *   `RENEWAL_PREPARED_STALE` when the plan is not of this inspection; the FMC's own failures
 *
 * @example
 * ```ts
 * const now = new Date();
 * const inspection = await inspectFmc(fmc, { now });
 * const plan = planRenewal(inspection, { now, inventory });
 * const journal = await RenewalJournal.open('renewal.journal', { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now);
 * const result = await renewWithVendorGenerator(fmc, inspection, plan, { connect, now: () => new Date(), journal });
 * console.log(result.counts, result.devices.filter((d) => d.alreadyDelivered).length, 'pushed by generate_certs.pl');
 * ```
 */
export async function renewWithVendorGenerator(fmcHost: Host, inspection: FmcInspection, plan: RenewalPlan, options: VendorRenewalOptions): Promise<RenewalResult> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const layout = options.layout ?? inspection.layout;
  const deliverOptions = { ...options, layout };
  const timeline = new RunTimeline(options.now);
  const staged = stagedFmcFiles(plan.stagingDirectory, layout);

  // A set adopted already (a resumed run): deliver what is left, never run the script twice.
  if (await fmc.exists(staged.manifest)) {
    const prepared = await loadPreparedRenewal(fmc, inspection, plan.stagingDirectory);
    return deliverFrom(fmc, plan, await preparedSource(fmc, prepared), deliverOptions, timeline);
  }
  if (plan.fmc.uuid !== inspection.fmcUuid || plan.fmc.ca.fingerprintSha256 !== inspection.ca.certificate.fingerprintSha256) {
    throw new SftunnelCaError('RENEWAL_PREPARED_STALE', `the plan of ${plan.stagingDirectory} was not made from this inspection of ${fmc.name}: plan again`, { host: fmc.name, step: 'generator' });
  }
  assertPlanCoverage(plan);
  const leftOut = plan.devices.filter((d) => d.leftOut);
  if (leftOut.length > 0) {
    throw new SftunnelCaError(
      'INVALID_ARGUMENT',
      `${GENERATE_CERTS_SCRIPT} pushes the new files to every device whose tunnel is up: ${leftOut.map((d) => d.name).join(', ')} cannot be left out with the vendor's generator; use our own generator (the default) to leave devices out. Nothing was changed`,
      { host: fmc.name, step: 'generator' },
    );
  }

  // ── 1. the script is there and would run: nothing changes before this ──
  const choice = chooseRenewalGenerator(await probeVendorGenerator(fmc), 'vendor');
  if (choice.generator === undefined) {
    throw new SftunnelCaError('VENDOR_GENERATOR_UNAVAILABLE', `${choice.reason}; ${choice.remedy ?? ''}; nothing was changed`, { host: fmc.name, step: 'generator' });
  }
  await runGenerateCerts(fmc, ['no']);

  // ── 2. backups: devices the script will push to, then the FMC's files it replaces ──
  await backUpPushedDevices(fmc, plan, layout, options);
  const kept = await backUpFmcFiles(fmc, plan, layout, options.now());

  // ── 3. the script renews the set in place and pushes where tunnels are up ──
  options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'start' });
  const run = await timeline.span('switch', () => {
    timeline.liveWrite();
    return runGenerateCerts(fmc, ['yes', 'yes'], { timeoutMs: options.generateCertsTimeoutMs ?? 1_800_000 });
  });
  if (run.code !== 0 || run.questions < 2) {
    throw new SftunnelCaError(
      'VENDOR_GENERATOR_FAILED',
      `${GENERATE_CERTS_SCRIPT} exited ${run.code} after ${run.questions} question(s) on ${fmc.name}; the files it replaces are kept as *${layout.backupSuffix}: read ${layout.fmc.renewalLog}`,
      { host: fmc.name, step: 'generator' },
    );
  }

  // ── 4. its set, adopted as a prepared renewal; the FMC journaled as switched ──
  const prepared = await timeline.span('stage', async () => {
    await collectScriptFailedPush(fmc, run.failedPushFile, plan.stagingDirectory, layout);
    return adoptVendorSet(fmc, { plan, layout, now: options.now(), replacedCaFingerprintSha256: plan.fmc.ca.fingerprintSha256 });
  });
  // What the script replaced, as the FMC's own switch journals it: each backup, the sha256 it holds and of what the script wrote.
  const written = await remoteDigests(fmc, [...kept.keys()], 'adopt');
  const replaced: Record<string, ReplacedFile> = {};
  for (const [path, file] of kept) {
    const writtenSha256 = written.get(path)?.sha256;
    if (writtenSha256 !== undefined && writtenSha256 !== file.sha256) replaced[path] = { backup: file.backup, backupSha256: file.sha256, writtenSha256 };
  }
  const backups = Object.fromEntries(Object.entries(replaced).map(([path, file]) => [path, file.backup]));
  await options.journal?.record({ type: 'fmc-switched', backups, replaced });
  options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'done' });

  // ── 5. delivery as for our own: the FMC shows the new CA live, so it is not switched again ──
  const adopted: RenewalPlan = { ...plan, fmc: { ...plan.fmc, ca: prepared.ca.certificate } };
  return deliverFrom(fmc, adopted, await preparedSource(fmc, prepared), deliverOptions, timeline);
}
