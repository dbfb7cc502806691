import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { runBounded } from '../host/bounded-run.js';
import { withDeviceHost, type DeviceRunOptions } from './device-run.js';
import type { RenewalPlan } from './plan.js';
import { remoteDigests } from '../host/remote-digest.js';
import { shellWord } from '../host/shell-word.js';
import { refuseSymlinksCommand, symlinkRefusal } from '../host/symlink-guard.js';
import { datedBackupPath, moveBackupAsideCommand } from './backup-generation.js';
import { tunnelsUp } from './sftunnel-control.js';
import { GENERATE_CERTS_SCRIPT } from './vendor-generator.js';

/** A file of the FMC kept before generate_certs.pl replaces it: its backup and the sha256 both hold. */
export interface KeptFile {
  /** Where the previous content is kept (`<file><suffix>`). */
  readonly backup: string;
  /** sha256 of that content, lowercase hex. */
  readonly sha256: string;
}

/**
 * Keeps the previous generation of every file of the FMC that generate_certs.pl replaces — the live
 * InternalCA, its key (`layout.fmc.caKey`, where present), the CRL, the FMC's certificate and key,
 * and the `certs_pushed` pair of every device the FMC manages — as the FMC's switch keeps them: at
 * `<file><suffix>` (the vendor's `*.backup` name holds the previous set; a backup of an earlier
 * generation standing there is moved to `<file><suffix>.<unix-ms>`), mode, owner and times kept,
 * each checked by sha256. Nothing live changes.
 *
 * @param fmc - the FMC, as root
 * @param plan - the run's plan (live paths, every managed device)
 * @param layout - appliance paths and the backup suffix
 * @param now - the run's moment: names a moved earlier backup
 * @returns what was kept, by live path
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level of a file, its backup or the dated name is a symbolic link
 *   (that batch writes nothing), `COMMAND_FAILED` when a copy fails, `INTEGRITY_MISMATCH` when a backup does not hold its file
 */
export async function backUpFmcFiles(fmc: Host, plan: RenewalPlan, layout: ApplianceLayout, now: Date): Promise<Map<string, KeptFile>> {
  const live = plan.livePaths;
  const paths = [
    live.caCertificate,
    layout.fmc.caKey,
    live.caCrl,
    live.sftunnelCertificate,
    live.sftunnelKey,
    ...plan.fmc.deviceUuids.flatMap((uuid) => {
      const pushed = fmcPushedFiles(layout, uuid);
      return [pushed.sftunnelCertificate, pushed.sftunnelKey];
    }),
  ];
  const before = await remoteDigests(fmc, paths, 'vendor-backup');
  const present = paths.filter((path) => before.has(path));
  for (let start = 0; start < present.length; start += 20) {
    const batch = present.slice(start, start + 20);
    const result = await fmc.run(keepPreviousCommands(batch, layout.backupSuffix, now));
    const refused = symlinkRefusal(result, fmc.name, 'vendor-backup');
    if (refused !== undefined) throw refused;
    if (result.code !== 0) {
      throw new SftunnelCaError('COMMAND_FAILED', `backing up the FMC's files exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: fmc.name, step: 'vendor-backup' });
    }
  }
  const kept = await remoteDigests(fmc, present.map((path) => path + layout.backupSuffix), 'vendor-backup');
  const backups = new Map<string, KeptFile>();
  for (const path of present) {
    const backup = path + layout.backupSuffix;
    const digest = before.get(path)?.sha256 ?? '';
    if (kept.get(backup)?.sha256 !== digest) {
      throw new SftunnelCaError('INTEGRITY_MISMATCH', `${backup} on ${fmc.name} does not hold ${path} after the backup`, { host: fmc.name, step: 'vendor-backup', file: backup });
    }
    backups.set(path, { backup, sha256: digest });
  }
  return backups;
}

/**
 * A shell script that keeps each file's current content as `<file><suffix>` (mode, owner and times
 * kept), first moving a backup of an earlier generation standing there to `<file><suffix>.<unix-ms>`
 * (`.1`, `.2`… when that exists too): the rule the FMC's switch and a device's delivery keep.
 * Nothing for a file that does not exist; exits 3 when a copy fails. It starts by refusing a
 * symbolic link at any level of a file, its backup or the dated name (`cp` would write through
 * one): that refusal and the copies are one command, so nothing is written through a link.
 */
function keepPreviousCommands(paths: readonly string[], suffix: string, now: Date): string {
  const guard = refuseSymlinksCommand(paths.flatMap((path) => [path, path + suffix, datedBackupPath(path, suffix, now)]));
  const keep = (path: string): string => {
    const live = shellWord(path);
    return `if [ -e ${live} ]; then ${moveBackupAsideCommand(path, suffix, now)} || exit 3; cp -p ${live} ${shellWord(path + suffix)} || exit 3; fi`;
  };
  return [`${guard} || exit $?`, ...paths.map(keep)].join('\n');
}

/**
 * Backs up, over SSH, the three files of each planned device whose tunnel the FMC shows up:
 * generate_certs.pl pushes to those over the tunnel and keeps no backup on the device, so without
 * this a rollback could not put their previous files back. As a delivery does, each file's previous
 * content goes to `<file><suffix>` (an earlier generation's backup there moved to
 * `<file><suffix>.<unix-ms>`), where the delivery that follows finds and journals it. Devices whose
 * tunnel is down are left to delivery, which backs them up itself; devices left out on purpose or
 * found unreachable by a preflight that allowed it are not dialled.
 *
 * @param fmc - the FMC, as root (its tunnel status)
 * @param plan - the run's plan
 * @param layout - the backup suffix
 * @param options - how to reach devices, the clock, limits
 * @throws SftunnelCaError `VENDOR_BACKUP_FAILED` naming the devices that could not be backed up
 *   (nothing was changed on the FMC); `RUN_INTERRUPTED` when the run was stopped meanwhile
 */
export async function backUpPushedDevices(fmc: Host, plan: RenewalPlan, layout: ApplianceLayout, options: DeviceRunOptions): Promise<void> {
  const up = await tunnelsUp(fmc);
  const devices = plan.devices.filter((d) => up.has(d.address) && !d.leftOut && options.unreachable?.has(d.uuid) !== true);
  const now = options.now();
  const outcomes = await runBounded(devices, options.concurrency ?? 16, async (device) => {
    try {
      await withDeviceHost(device.name, (signal) => options.connect(device, signal), options.deviceTimeoutMs ?? 120_000, () => 'backup', async (host, signal) => {
        const result = await host.run(keepPreviousCommands(device.files.map((file) => file.destination), layout.backupSuffix, now), { signal });
        const refused = symlinkRefusal(result, device.name, 'backup');
        if (refused !== undefined) throw refused;
        if (result.code !== 0) {
          throw new SftunnelCaError('COMMAND_FAILED', `backing up the files of ${device.name} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: device.name, step: 'backup' });
        }
      });
      return undefined;
    } catch (error) {
      return { device, error };
    }
  });
  const failures = outcomes.flatMap((o) => (o.started && o.value !== undefined ? [o.value] : []));
  const interrupted = failures.find((f) => isSftunnelCaError(f.error, 'RUN_INTERRUPTED'));
  if (interrupted !== undefined) throw interrupted.error;
  if (failures.length > 0) {
    const named = failures.map((f) => `${f.device.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    throw new SftunnelCaError(
      'VENDOR_BACKUP_FAILED',
      `${failures.length} device(s) whose tunnel is up could not be backed up before ${GENERATE_CERTS_SCRIPT} pushes to them; nothing was changed on the FMC — ${named.slice(0, 5).join('; ')}${named.length > 5 ? '; …' : ''}`,
      { host: fmc.name, step: 'backup', cause: new AggregateError(failures.map((f) => f.error)) },
    );
  }
}

