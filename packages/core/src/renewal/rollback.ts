import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { DEFAULT_APPLIANCE_LAYOUT, fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { runBounded } from '../host/bounded-run.js';
import { copyOnHost } from './copy-on-host.js';
import { bringTunnelsUp, createDeviceRun, finishRun, runOnDevice, type DeviceRunOptions } from './device-run.js';
import type { RenewalJournal, ReplacedFile } from './journal.js';
import type { RenewalPlan } from './plan.js';
import type { RenewalResult } from './renewal-result.js';
import { queuedHost } from '../host/queued-host.js';
import { remoteDigests } from '../host/remote-digest.js';
import { restartSftunnel } from './sftunnel-control.js';
import { sha256 } from '../host/sha256.js';
import { shellWord } from '../host/shell-word.js';

/** Options of {@link rollbackRenewal}. */
export interface RollbackRenewalOptions extends DeviceRunOptions {
  /** Roll back only these devices (UUIDs or names); default every device of the plan. */
  readonly only?: readonly string[];
  /**
   * Restore the FMC's live files too (and restart its sftunnel); default true when every device of
   * the plan is rolled back, false otherwise.
   */
  readonly fmc?: boolean;
  /**
   * Roll back devices without the FMC although they would then hold another CA than the FMC's
   * (`ROLLBACK_WOULD_STRAND` otherwise): they drop at their next restart until they get the FMC's
   * files again. Default false.
   */
  readonly force?: boolean;
  /**
   * The run's journal: what the run replaced, where it kept each backup and the sha256 of both.
   * With it, exactly that run is undone — only while the live files still hold what it wrote
   * (`ROLLBACK_STALE` otherwise) — and the rollback is recorded. Without it (journals of earlier
   * versions lack the sha256), each file is restored from `<file>.backup`: the previous generation.
   */
  readonly journal?: RenewalJournal;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** Operations on the FMC at once; default 1. */
  readonly fmcConcurrency?: number;
}

/** A file to put back whose backup was found, with the sha256 the backup holds. */
type KeptRestore = Restore & { readonly backupSha256: string };

/** One file to put back: the live path, the backup, and — from a journal — the sha256 of what the run wrote and of the backup. */
interface Restore {
  readonly path: string;
  readonly backup: string;
  readonly mode: number;
  /**
   * What the run recorded; a `backupSha256` of `undefined` for a device the run's journal does not
   * record (its files were copied from the run's staging directory by a copy run): whatever its
   * backup holds is the generation before.
   */
  readonly recorded: (Omit<ReplacedFile, 'backupSha256'> & { readonly backupSha256: string | undefined }) | undefined;
}

/**
 * Puts the files a renewal replaced back, byte for byte, from their backups, in the same order as
 * a delivery and for the same reason: devices first without restarting them (their tunnels stay
 * up), then the FMC's live files (its CA, CA key, CRL and pair, and each rolled-back device's
 * `certs_pushed`) and one FMC restart, then a restart of each device whose tunnel did not come
 * back. Works while the old CA is still valid; an expired old CA brings no tunnel back.
 *
 * With the run's journal the rollback is exact: every file is checked first (the live file must
 * hold what the run wrote, the backup what the run kept — by sha256); the FMC's files are checked
 * before any device is touched, and a mismatch refuses the whole rollback with nothing changed. A
 * file that already holds its backup counts as rolled back, so a rollback interrupted midway is
 * simply run again. Rolling back some devices while the FMC keeps the new CA is refused unless
 * `force`.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param plan - the plan of the renewal to undo
 * @param options - how to reach devices, which ones, the journal
 * @returns one record per device (`rolled-back`, `failed` or `not-started`)
 * @throws SftunnelCaError `ROLLBACK_WOULD_STRAND` for a subset after the FMC switched, `ROLLBACK_STALE` when the FMC's files are no longer what the run wrote (nothing changed)
 *
 * @example
 * ```ts
 * const result = await rollbackRenewal(fmc, plan, { connect, now: () => new Date(), journal });
 * console.log(result.counts['rolled-back']);
 * ```
 */
export async function rollbackRenewal(fmcHost: Host, plan: RenewalPlan, options: RollbackRenewalOptions): Promise<RenewalResult> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const startedAt = options.now();
  const { journal } = options;
  const only = options.only === undefined ? undefined : new Set(options.only);
  const devices = plan.devices.filter((d) => only === undefined || only.has(d.uuid) || only.has(d.name));
  const restoreFmc = options.fmc ?? devices.length === plan.devices.length;
  const fmcRecord = journal?.fmcSwitchRecord;
  if (!restoreFmc && options.force !== true && journal?.fmcSwitch !== undefined) {
    throw new SftunnelCaError(
      'ROLLBACK_WOULD_STRAND',
      `the FMC ${fmc.name} switched to the new InternalCA in this run: rolling back ${devices.map((d) => d.name).join(', ')} alone would leave them on the old CA, and they would drop at their next restart. Nothing was changed`,
      { host: fmc.name, step: 'rollback' },
    );
  }

  // The FMC's files to put back (only with the FMC: while it keeps the new CA, its record of each
  // device stays the one its CA issued, which a copy can deliver again): checked before any device is touched.
  const restoreOf = (path: string, mode: number): Restore => {
    const recorded = fmcRecord?.replaced?.[path];
    return { path, mode, recorded, backup: recorded?.backup ?? fmcRecord?.backups[path] ?? `${path}${layout.backupSuffix}` };
  };
  const pushed = (uuid: string): Restore[] => {
    const files = fmcPushedFiles(layout, uuid);
    return [restoreOf(files.sftunnelCertificate, 0o644), restoreOf(files.sftunnelKey, 0o600)];
  };
  const live = plan.livePaths;
  const fmcFiles = [restoreOf(live.caCrl, 0o644), restoreOf(live.sftunnelCertificate, 0o644), restoreOf(live.sftunnelKey, 0o600), restoreOf(layout.fmc.caKey, 0o600), restoreOf(live.caCertificate, 0o644)];
  // A journal whose run never switched the FMC: the FMC's files are not that run's to restore.
  const fmcRestored = restoreFmc && (journal === undefined || fmcRecord !== undefined);
  // A journal that records what its run replaced: exactly those files, none that it did not replace.
  const exact = fmcRecord?.replaced !== undefined;
  const managed = fmcRestored ? plan.fmc.deviceUuids : [];
  // Every device the run's switch re-issued (delivered, left out or unreachable alike); without a journal, those rolled back.
  const pushedFiles = new Map(managed.filter((uuid) => journal !== undefined || devices.some((d) => d.uuid === uuid)).map((uuid) => [uuid, pushed(uuid)] as const));
  const registeredSince = exact ? [...pushedFiles].filter(([, files]) => files.every((f) => f.recorded === undefined)).map(([uuid]) => uuid) : [];
  if (registeredSince.length > 0 && options.force !== true) {
    const names = registeredSince.map((uuid) => plan.devices.find((d) => d.uuid === uuid)?.name ?? uuid);
    throw new SftunnelCaError(
      'ROLLBACK_WOULD_STRAND',
      `${names.join(', ')} joined ${fmc.name} after the run of ${journal?.path ?? 'this journal'} (their certificates are issued by the CA it installed): rolling the FMC back to the old CA would strand them. Nothing was changed`,
      { host: fmc.name, step: 'rollback' },
    );
  }
  const candidates = fmcRestored ? [...[...pushedFiles.values()].flat(), ...fmcFiles].filter((r) => !exact || r.recorded !== undefined) : [];
  const fmcPlan = await checkRestores(fmc, candidates, 'rollback');
  if (fmcPlan.stale.length > 0) {
    throw new SftunnelCaError(
      'ROLLBACK_STALE',
      `the FMC's ${fmcPlan.stale.join(', ')} no longer hold what the run of ${journal?.path ?? 'this journal'} wrote (or the backup is not what it kept): a later renewal or copy changed them. Nothing was changed`,
      { host: fmc.name, step: 'rollback' },
    );
  }
  // Devices the journal does not record (left out or unreachable in the run, perhaps copied since from its staging
  // directory): what the run staged for each, to tell whether they hold it.
  const unrecorded = journal === undefined ? [] : devices.filter((d) => journal.deliveryRecord(d.uuid) === undefined);
  const staged = await remoteDigests(fmc, unrecorded.flatMap((d) => d.files.map((f) => f.source)), 'rollback');
  options.onEvent?.({ type: 'run:start', fmc: fmc.name, stagingDirectory: plan.stagingDirectory, devices: devices.length });
  const runs = devices.map((device) => createDeviceRun(device, { backups: journal?.deliveryRecord(device.uuid)?.backups ?? {} }));

  await runBounded(runs, options.concurrency ?? 16, (run) =>
    runOnDevice(run, options, async (host, signal, step) => {
      step('inspect');
      const record = journal?.deliveryRecord(run.device.uuid);
      const copied = journal !== undefined && record === undefined;
      const restores = run.device.files
        .map((file): Restore => {
          const backup = record?.replaced?.[file.destination]?.backup ?? run.backups[file.destination] ?? `${file.destination}${layout.backupSuffix}`;
          const writtenSha256 = staged.get(file.source)?.sha256;
          if (copied && writtenSha256 === undefined) {
            throw new SftunnelCaError('ROLLBACK_STALE', `the run's staged ${file.source} is gone from the FMC: what it gave ${run.device.name} cannot be told; nothing was changed on it`, { host: run.device.name, step: 'rollback' });
          }
          const recorded = copied ? { backup, backupSha256: undefined, writtenSha256: writtenSha256 ?? '' } : record?.replaced?.[file.destination];
          return { path: file.destination, mode: layout.peerFileMode, recorded, backup };
        })
        .filter((r) => record?.replaced === undefined || r.recorded !== undefined);
      const checked = await checkRestores(host, restores, 'rollback', signal);
      if (checked.missing.length > 0) {
        throw new SftunnelCaError('FILE_NOT_FOUND', `${host.name} has no backup ${checked.missing.join(', ')} to restore; nothing was changed on it`, { host: host.name, step: 'rollback' });
      }
      if (checked.stale.length > 0) {
        throw new SftunnelCaError('ROLLBACK_STALE', `${checked.stale.join(', ')} on ${host.name} no longer hold what the run wrote (or the backup is not what it kept); nothing was changed on it`, { host: host.name, step: 'rollback' });
      }
      const originals = new Map<string, Uint8Array>();
      for (const restore of checked.todo) originals.set(restore.path, await host.readFile(restore.backup, { signal }));
      const caPath = run.device.files.find((file) => file.role === 'caCertificate')?.destination;
      const caBackup = caPath === undefined ? undefined : originals.get(caPath);
      if (!restoreFmc && options.force !== true && caBackup !== undefined && Certificate.fromPem(new TextDecoder().decode(caBackup), caPath).fingerprintSha256 !== plan.fmc.ca.fingerprintSha256) {
        throw new SftunnelCaError('ROLLBACK_WOULD_STRAND', `the backup of ${host.name}'s cacert.pem is not the FMC's live InternalCA: rolled back alone it would drop at its next restart; nothing was changed on it`, { host: host.name, step: 'rollback' });
      }
      step('write');
      for (const restore of checked.todo) {
        const original = originals.get(restore.path) ?? new Uint8Array();
        await host.writeFileAtomic(restore.path, original, { signal, mode: layout.peerFileMode, owner: layout.peerFileOwner, group: layout.peerFileGroup });
        step('verify');
        if ((await host.stat(restore.path, { signal })).sha256 !== sha256(original)) {
          throw new SftunnelCaError('INTEGRITY_MISMATCH', `${restore.path} on ${host.name} does not hold its backup after the rollback`, { host: host.name, step: 'verify', file: restore.path });
        }
      }
      run.alreadyDelivered = checked.todo.length === 0;
      run.outcome = 'delivered';
    }),
  );

  // With the FMC: its live files and its record of every device the run re-issued, but that of a device whose own rollback failed.
  const notRolledBack = new Set(runs.filter((r) => r.outcome !== 'delivered').flatMap((r) => pushedFiles.get(r.device.uuid) ?? []));
  const copies = fmcPlan.todo.filter((restore) => !notRolledBack.has(restore)).map((r) => ({ source: r.backup, destination: r.path, sha256: r.backupSha256, mode: r.mode }));
  if (fmcRestored) options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'start' });
  await copyOnHost(fmc, copies, { step: 'rollback', now: options.now() });
  if (fmcRestored) {
    await restartSftunnel(fmc, 'rollback');
    await journal?.record({ type: 'fmc-rolled-back' });
    options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'done' });
  }
  await bringTunnelsUp(
    fmc,
    runs.filter((r) => r.outcome === 'delivered'),
    options,
    async (run) => {
      run.outcome = 'rolled-back';
      await journal?.record({ type: 'rolled-back', uuid: run.device.uuid });
    },
  );
  return finishRun(
    { fmc: fmc.name, stagingDirectory: plan.stagingDirectory, fmcSwitched: !fmcRestored && journal?.fmcSwitch !== undefined, stopped: undefined, failedPushPath: undefined },
    runs,
    startedAt,
    options,
  );
}

/**
 * Sorts files to put back by what the host holds (one round trip for all): `todo` (the live file
 * holds what the run wrote, or no sha256 was recorded, and a backup exists), already done (the
 * live file holds the backup's recorded content), `stale` (neither, or no backup holds what was
 * kept) or `missing` (no record and no backup: nothing to restore from). A backup that a later run
 * moved aside (`<backup>.<unix-ms>`) is found among the generations by its sha256, so a run can be
 * rolled back after the later one was.
 */
async function checkRestores(host: Host, restores: readonly Restore[], step: string, signal?: AbortSignal): Promise<{ todo: KeptRestore[]; stale: string[]; missing: string[] }> {
  if (restores.length === 0) return { todo: [], stale: [], missing: [] };
  signal?.throwIfAborted();
  const generations = await backupGenerations(host, restores.filter((r) => r.recorded?.backupSha256 !== undefined).map((r) => r.backup), signal);
  const digests = await remoteDigests(host, [...restores.flatMap((r) => [r.path, r.backup]), ...[...generations.values()].flat()], step);
  const todo: KeptRestore[] = [];
  const stale: string[] = [];
  const missing: string[] = [];
  const keep = (restore: Restore, backup: string): void => {
    const kept = digests.get(backup);
    if (kept === undefined) missing.push(backup);
    else todo.push({ ...restore, backup, backupSha256: kept.sha256 });
  };
  for (const restore of restores) {
    const live = digests.get(restore.path)?.sha256;
    const { recorded } = restore;
    if (recorded === undefined) {
      keep(restore, restore.backup);
      continue;
    }
    if (recorded.backupSha256 === undefined) {
      // Not recorded by the run: rolled back only when it holds what the run staged for it, from the backup that copy kept.
      if (live === recorded.writtenSha256) keep(restore, restore.backup);
      continue;
    }
    if (live === recorded.backupSha256) continue; // rolled back already
    const kept = [restore.backup, ...(generations.get(restore.backup) ?? [])].find((path) => digests.get(path)?.sha256 === recorded.backupSha256);
    if (live === recorded.writtenSha256 && kept !== undefined) keep(restore, kept);
    else stale.push(restore.path);
  }
  return { todo, stale, missing };
}

/** The backups later runs moved aside (`<backup>.<unix-ms>[.<n>]`), by backup path, in one command. */
async function backupGenerations(host: Host, backups: readonly string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (backups.length === 0) return found;
  const script = backups.map((backup) => `for f in ${shellWord(backup)}.*; do [ -e "$f" ] && printf '%s\\n' "$f"; done`).join('; ');
  const result = await host.run(`${script}; true`, signal === undefined ? {} : { signal });
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  for (const backup of backups) found.set(backup, lines.filter((line) => line.startsWith(`${backup}.`) && /^\.\d+(\.\d+)?$/.test(line.slice(backup.length))));
  return found;
}
