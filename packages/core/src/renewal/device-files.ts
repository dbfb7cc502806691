import { posix } from 'node:path';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { CommandResult, Host } from '../host/host.js';
import type { ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import { assertKeyMatchesCertificate } from '../pki/key-certificate-match.js';
import { withDeviceHost, type DeviceRun } from './device-run.js';
import { remoteDigests } from '../host/remote-digest.js';
import type { DeviceStep } from './renewal-result.js';
import { underDeviceLock } from '../host/device-lock.js';
import { readFilesInFewCommands } from '../host/read-files-batch.js';
import { sha256 } from '../host/sha256.js';
import { shellWord } from '../host/shell-word.js';
import { datedBackupPath, moveBackupAsideCommand } from './backup-generation.js';
import { refuseSymlinksCommand, symlinkRefusal } from '../host/symlink-guard.js';
import { batchLeftovers, writeFilesInOneCommand } from '../host/write-files-batch.js';

const decoder = new TextDecoder();

/** A file to write on a device: where, what, and its sha256. */
export interface DeviceFile {
  readonly destination: string;
  readonly content: string;
  readonly sha256: string;
}

/** What {@link deliverFiles} records of a device: what it held, the backups kept, whether it held the files already. */
export type DeliveredFilesState = Pick<DeviceRun, 'before' | 'backups' | 'alreadyDelivered' | 'replaced'>;

/** What {@link deliverFiles} needs besides the host and the files. */
export interface DeliverFilesContext {
  /** The InternalCA the files must belong to. */
  readonly newCa: Certificate;
  /** For the chain's validity and the backups' timestamps. */
  readonly now: Date;
  /** Aborts the device's operations. */
  readonly signal: AbortSignal;
  /** Reports the step reached. */
  readonly step: (step: DeviceStep) => void;
  /** The appliance's owner, group and mode of the files, and the backup suffix. */
  readonly layout: ApplianceLayout;
  /**
   * Opens a fresh root connection to the device: used to put its previous files back when the
   * connection was lost after its live files began to change.
   */
  readonly reopen: (signal: AbortSignal) => Promise<Host>;
  /** Deadline of that restore on a fresh connection, in milliseconds; default 60,000. */
  readonly restoreTimeoutMs?: number;
  /** Called just before the device's live files begin to change (the change window opens). */
  readonly onLiveWrite?: () => void;
}

/** The suffix of a new file waiting beside the live one until all three are in place. */
export const PENDING_SUFFIX = '.sftunnel-ca.new';

/**
 * One device's files: record what it holds, back up and replace its three files as one set, and
 * verify them there. The set is checked before anything is written: the CA is `newCa`, the
 * certificate chains to it, the key is the certificate's. Shared by delivery and the copy run
 * from a devices.csv.
 *
 * At rest a device holds either its complete old set or its complete new set: the new files are
 * first written beside the live ones (`<file>.sftunnel-ca.new`, the appliance's owner and mode), the
 * live ones are copied to their backups, and only then are the three renamed over the live files
 * in one command. A failure before that leaves the live files untouched (a full disk or a lost
 * connection fails here); a failure from the renames on (including the verification) puts the
 * previous files back from the backups this attempt made — over a fresh connection when the first
 * one is lost — checks them by sha256 and then reports the original cause.
 *
 * @param host - the device, as root
 * @param run - where to record what it held and the backups kept
 * @param files - its CA, certificate and key, in that order
 * @param context - the new CA, clock, signal, step reporter, layout, reconnect
 * Every command that writes first checks that no level of the paths it writes (the peer directory,
 * its ancestors, the files, their pending names and backups) is a symbolic link: a link is refused
 * with `DEVICE_PATH_SYMLINK` and nothing is written through it.
 *
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level of a path to write is a symbolic link, `NOT_ISSUED_BY_CA` or a chain or key error of the PKI when the set is not consistent, `INTEGRITY_MISMATCH` when a device does not hold it after writing, the cause of a failed write (its previous files restored), `DEVICE_RESTORE_FAILED` when they could not be
 */
export async function deliverFiles(host: Host, run: DeliveredFilesState, files: readonly DeviceFile[], context: DeliverFilesContext): Promise<void> {
  const { newCa, now, signal, step, layout } = context;
  const [ca, certificate, key] = files;
  if (ca === undefined || certificate === undefined || key === undefined || files.length !== 3) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `deliverFiles takes a device's three files (CA, certificate, key), not ${files.length}`, { host: host.name, step: 'deliver' });
  }
  // The set is checked before anything is written: the CA is the new one, the certificate chains to it, the key is the certificate's.
  const newCertificate = Certificate.fromPem(certificate.content, certificate.destination);
  if (Certificate.fromPem(ca.content, ca.destination).fingerprintSha256 !== newCa.fingerprintSha256) {
    throw new SftunnelCaError('NOT_ISSUED_BY_CA', `the CA staged for ${host.name} is not the new InternalCA`, { host: host.name, step: 'verify' });
  }
  await verifyIssuedBy(newCertificate, newCa, { now, source: certificate.destination });
  assertKeyMatchesCertificate(key.content, newCertificate, key.destination);

  step('inspect');
  const held = await readFilesInFewCommands(host, files.map((file) => file.destination), { step: 'inspect', signal, refuseSymlinks: true });
  const current = files.map((file) => held.get(file.destination));
  run.before = { caFingerprintSha256: fingerprintOf(current[0]), certificateFingerprintSha256: fingerprintOf(current[1]) };
  const changes: FileChange[] = files
    .map((file, i) => ({ file, previous: current[i], backup: undefined, rotated: undefined }))
    .filter((change) => change.previous === undefined || sha256(change.previous) !== change.file.sha256);
  run.alreadyDelivered = changes.length === 0;
  let live = false;
  try {
    if (changes.length > 0) {
      step('write');
      const owner = `${layout.peerFileOwner}:${layout.peerFileGroup}`;
      await writeFilesInOneCommand(host, changes.map(({ file }) => ({ path: pendingPath(file), content: file.content, mode: layout.peerFileMode, owner })), { step: 'write', signal, refuseSymlinksAt: changes.map(({ file }) => file.destination) });
      await keepBackups(host, changes, layout.backupSuffix, now, signal);
      live = true; // from here on the live files may change: a failure puts the previous ones back
      context.onLiveWrite?.();
      const renames = `${refuseSymlinksCommand(changes.flatMap(({ file }) => [pendingPath(file), file.destination]))} && ${changes.map(({ file }) => `mv -f ${shellWord(pendingPath(file))} ${shellWord(file.destination)}`).join(' && ')}`;
      await runChecked(host, underDeviceLock(deviceDirectory(changes), renames), 'write', signal);
      for (const { file, previous, backup } of changes) {
        if (backup === undefined || previous === undefined) continue;
        run.backups[file.destination] = backup;
        run.replaced[file.destination] = { backup, backupSha256: sha256(previous), writtenSha256: file.sha256 };
      }
    }
    // On the device: the bytes checked above, with the appliance's mode (two commands for the three files).
    step('verify');
    // A device found holding the new set already (a resumed run) keeps the backups its earlier attempt made: found and recorded.
    const found = run.alreadyDelivered ? files.filter((f) => run.replaced[f.destination] === undefined).map((f) => `${f.destination}${layout.backupSuffix}`) : [];
    const digests = await remoteDigests(host, [...files.map((f) => f.destination), ...found], 'verify');
    for (const file of files) {
      const backup = `${file.destination}${layout.backupSuffix}`;
      const kept = found.includes(backup) ? digests.get(backup) : undefined;
      if (kept === undefined) continue;
      run.backups[file.destination] = backup;
      run.replaced[file.destination] = { backup, backupSha256: kept.sha256, writtenSha256: file.sha256 };
    }
    for (const file of files) {
      const found = digests.get(file.destination);
      if (found?.sha256 !== file.sha256 || found.mode !== layout.peerFileMode) {
        throw new SftunnelCaError(
          'INTEGRITY_MISMATCH',
          `${file.destination} on ${host.name} ${found === undefined ? 'is missing' : found.sha256 !== file.sha256 ? 'does not hold the staged content' : `has mode ${found.mode.toString(8)}`} after writing`,
          { host: host.name, step: 'verify', file: file.destination },
        );
      }
    }
  } catch (error) {
    if (!live) {
      await removePending(host, changes);
      throw error;
    }
    for (const change of changes) delete run.backups[change.file.destination];
    throw await restorePrevious(host, changes, context, error);
  }
}

/** A file of the set that this attempt replaces: its new content, what it held, where that was kept. */
interface FileChange {
  readonly file: DeviceFile;
  /** The live file's text before, `undefined` when there was none. */
  readonly previous: string | undefined;
  /** Where the live file was copied before the switch, once it was. */
  backup: string | undefined;
  /** Where the backup of an earlier generation that stood at the backup's name was moved, if one did. */
  rotated: string | undefined;
}

/** The directory of a device's files (its three files share one). */
function deviceDirectory(changes: readonly FileChange[]): string {
  return posix.dirname(changes[0]?.file.destination ?? '/');
}

function pendingPath(file: DeviceFile): string {
  return `${file.destination}${PENDING_SUFFIX}`;
}

/**
 * Keeps each live file about to be replaced as `<file><suffix>` (the vendor's `*.backup` name, which
 * thus always holds the previous set), keeping mode, owner and times; a backup of an earlier
 * generation standing at that name is first moved to `<file><suffix>.<unix-ms>` (never overwritten,
 * never lost). One command; nothing live changes.
 */
async function keepBackups(host: Host, changes: readonly FileChange[], suffix: string, now: Date, signal: AbortSignal): Promise<void> {
  const existing = changes.filter((c) => c.previous !== undefined);
  if (existing.length === 0) return;
  const script = existing
    .map(({ file }) => {
      const first = shellWord(file.destination + suffix);
      return `{ ${moveBackupAsideCommand(file.destination, suffix, now)} || exit 3; } && cp -p ${shellWord(file.destination)} ${first} && printf '%s\t%s\n' ${first} "$R"`;
    })
    .join(' && ');
  // The live files, their backups and the names a backup of an earlier generation may move to: no level a symbolic link.
  const guard = refuseSymlinksCommand(existing.flatMap(({ file }) => [file.destination, file.destination + suffix, datedBackupPath(file.destination, suffix, now)]));
  const result = await runChecked(host, `${guard} && ${script}`, 'write', signal);
  const kept = result.stdout.split('\n').filter((line) => line !== '');
  existing.forEach((change, i) => {
    const [backup, rotated] = (kept[i] ?? '').split('\t');
    change.backup = backup === '' ? undefined : backup;
    change.rotated = rotated === '' ? undefined : rotated;
  });
}

/**
 * Puts a device's previous files back after a failure that came after its live files began to
 * change: the new files still waiting are removed, each backup this attempt made is renamed back
 * over its file (a rename: it needs no space), a file that did not exist before is removed, and
 * the result is checked by sha256. On the same connection, or on a fresh one when that fails.
 *
 * @returns the error to report: the original cause, saying the previous files are back, or `DEVICE_RESTORE_FAILED`
 */
async function restorePrevious(host: Host, changes: readonly FileChange[], context: DeliverFilesContext, failure: unknown): Promise<SftunnelCaError> {
  const restore = async (on: Host, signal?: AbortSignal): Promise<void> => {
    // Under the lock the renames hold: a rename command of a lost connection that still runs (sshd
    // does not stop a command when its client goes) finishes first. The new files waiting beside the
    // live ones go first, so one that starts later finds nothing to rename.
    const guard = refuseSymlinksCommand(changes.flatMap(({ file, backup, rotated }) => [file.destination, pendingPath(file), ...(backup === undefined ? [] : [backup]), ...(rotated === undefined ? [] : [rotated])]));
    const lines = [guard, `rm -f ${changes.map((c) => shellWord(pendingPath(c.file))).join(' ')}`];
    lines.push(...changes.map(({ file, backup }) => (backup === undefined ? `rm -f ${shellWord(file.destination)}` : `mv -f ${shellWord(backup)} ${shellWord(file.destination)}`)));
    // The earlier generation's backup goes back to the vendor's name (once: a restore run again finds it moved).
    lines.push(...changes.flatMap(({ backup, rotated }) => (backup === undefined || rotated === undefined ? [] : [`{ [ ! -e ${shellWord(rotated)} ] || mv -f ${shellWord(rotated)} ${shellWord(backup)}; }`])));
    await runChecked(on, underDeviceLock(deviceDirectory(changes), lines.join(' && ')), 'restore', signal);
    const digests = await remoteDigests(on, changes.map((c) => c.file.destination), 'restore');
    for (const { file, previous } of changes) {
      const found = digests.get(file.destination)?.sha256;
      if (found !== (previous === undefined ? undefined : sha256(previous))) {
        throw new SftunnelCaError('INTEGRITY_MISMATCH', `${file.destination} on ${on.name} does not hold its previous content after the restore`, { host: on.name, step: 'restore', file: file.destination });
      }
    }
  };
  const cause = isSftunnelCaError(failure) ? failure : new SftunnelCaError('COMMAND_FAILED', failure instanceof Error ? failure.message : String(failure), { host: host.name, step: 'write', cause: failure });
  try {
    try {
      await restore(host, context.signal.aborted ? undefined : context.signal);
    } catch {
      // The connection that failed cannot be trusted: restore over a fresh one.
      await withDeviceHost(host.name, context.reopen, context.restoreTimeoutMs ?? 60_000, () => 'restore', (fresh, signal) => restore(fresh, signal));
    }
  } catch (restoreFailure) {
    return new SftunnelCaError('DEVICE_RESTORE_FAILED', `${cause.message}; putting back the previous files of ${host.name} failed too: it may hold a mix of old and new files`, {
      host: host.name,
      step: 'restore',
      cause: new AggregateError([failure, restoreFailure]),
    });
  }
  return new SftunnelCaError(cause.code, `${cause.message}; the previous files of ${host.name} were put back (sha256 checked)`, { host: host.name, step: 'restore', cause: failure });
}

async function removePending(host: Host, changes: readonly FileChange[]): Promise<void> {
  if (changes.length === 0) return;
  // Best effort: a leftover `.sftunnel-ca.new`, temporary file or batch script is not a live file and the next attempt overwrites it; the failure that brought us here is the one reported.
  const pending = changes.map((c) => pendingPath(c.file));
  await host.run(`rm -f ${[...pending, ...batchLeftovers(pending)].map(shellWord).join(' ')}`).catch(() => undefined);
}

/** Runs a command on a device; a non-zero exit is `DEVICE_PATH_SYMLINK` when a guard refused a link, `DISK_FULL` when it says so, `COMMAND_FAILED` otherwise. */
async function runChecked(host: Host, command: string, step: string, signal?: AbortSignal): Promise<CommandResult> {
  const result = await host.run(command, signal === undefined ? {} : { signal });
  const refused = symlinkRefusal(result, host.name, step);
  if (refused !== undefined) throw refused;
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim().slice(0, 200);
    throw new SftunnelCaError(/No space left on device/i.test(said) ? 'DISK_FULL' : 'COMMAND_FAILED', `a command of step ${step} exited ${result.code} on ${host.name}: ${said}`, { host: host.name, step });
  }
  return result;
}

/** The fingerprint of a certificate file's text; `undefined` for none or a damaged one (replaced all the same). */
function fingerprintOf(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  try {
    return Certificate.fromPem(pem).fingerprintSha256;
  } catch (error) {
    if (isSftunnelCaError(error, 'PEM_INVALID')) return undefined;
    throw error;
  }
}

