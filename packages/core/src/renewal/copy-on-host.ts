import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import type { ReplacedFile } from './journal.js';
import { remoteDigests } from '../host/remote-digest.js';
import { shellWord } from '../host/shell-word.js';
import { datedBackupPath, moveBackupAsideCommand } from './backup-generation.js';
import { refuseSymlinksCommand, symlinkRefusal } from '../host/symlink-guard.js';

/** One file {@link copyOnHost} puts in place. */
export interface HostCopy {
  /** Where the content is now (e.g. in the staging directory). */
  readonly source: string;
  /** The file it replaces. */
  readonly destination: string;
  /** The sha256 the destination must have afterwards. */
  readonly sha256: string;
  /** Permission bits of the destination, e.g. `0o600` for a key. */
  readonly mode: number;
  /**
   * Keep the replaced file as `<destination><suffix>` (a backup of an earlier generation standing
   * there is first moved to `<destination><suffix>.<unix-ms>`): the vendor's name always holds the
   * previous set. Default: no backup (a rollback's copy).
   */
  readonly backupSuffix?: string;
}

/** Options of {@link copyOnHost}. */
export interface CopyOnHostOptions {
  /** The step, for errors. */
  readonly step: string;
  /** The moment of the run: names a moved backup of an earlier generation. */
  readonly now: Date;
}

const BATCH = 20;

/** The longest command a batch makes, in characters: an SSH exec request (and a shell's argument) is bounded, about 32 KB for some servers. */
const MAX_COMMAND_CHARS = 24_000;

/** Consecutive batches of at most {@link BATCH} copies whose command stays within {@link MAX_COMMAND_CHARS} (a single copy always makes one). */
function batches(copies: readonly HostCopy[], command: (batch: readonly HostCopy[]) => string): HostCopy[][] {
  const out: HostCopy[][] = [];
  let current: HostCopy[] = [];
  for (const copy of copies) {
    const next = [...current, copy];
    if (current.length > 0 && (next.length > BATCH || command(next).length > MAX_COMMAND_CHARS)) {
      out.push(current);
      current = [copy];
    } else current = next;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Replaces many files of one host from files already on it (the FMC's switch from its staging
 * directory, a rollback from backups) in a few commands: per file, keep a backup (see
 * {@link HostCopy.backupSuffix}), copy to a temporary file beside the destination, set its mode,
 * rename it over the destination (readers see the old or the new content); then check every
 * destination's sha256. A destination that already holds its content is left alone with the
 * backup it has (a switch run again after it was killed keeps the backups of the first attempt).
 * Commands name paths only: no content, so no key, ever appears in a command line.
 *
 * @param host - the host, as root
 * @param copies - what to put where
 * @param options - the step and the run's moment
 * @returns what was replaced, by destination: each backup with the sha256 it holds and of what was written
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level of a path it copies from or to is a symbolic link (that batch writes nothing), `COMMAND_FAILED` when a copy fails, `INTEGRITY_MISMATCH` when a destination does not hold its source afterwards
 */
export async function copyOnHost(host: Host, copies: readonly HostCopy[], options: CopyOnHostOptions): Promise<Record<string, ReplacedFile>> {
  const { step } = options;
  const line = (copy: HostCopy): string => {
    const destination = shellWord(copy.destination);
    const temporary = shellWord(`${copy.destination}.sftunnel-ca.tmp`);
    const put = `cp ${shellWord(copy.source)} ${temporary} && chmod ${copy.mode.toString(8)} ${temporary} && mv -f ${temporary} ${destination}`;
    const failed = `{ echo ${shellWord(copy.destination)} >&2; exit 3; }`;
    if (copy.backupSuffix === undefined) return `${put} || ${failed}`;
    const backup = shellWord(copy.destination + copy.backupSuffix);
    const keep = `{ [ ! -e ${destination} ] || { ${moveBackupAsideCommand(copy.destination, copy.backupSuffix, options.now)} && cp -p ${destination} ${backup}; }; }`;
    const done = `[ -e ${destination} ] && [ "$(sha256sum < ${destination} | cut -c1-64)" = ${copy.sha256} ]`;
    return `if ${done}; then :; else ${keep} && ${put} || ${failed}; fi`;
  };
  // No level of a source, destination, temporary file or backup name may be a symbolic link: checked in the command that copies.
  const guarded = (copy: HostCopy): string[] => [
    copy.source,
    copy.destination,
    `${copy.destination}.sftunnel-ca.tmp`,
    ...(copy.backupSuffix === undefined ? [] : [copy.destination + copy.backupSuffix, datedBackupPath(copy.destination, copy.backupSuffix, options.now)]),
  ];
  const command = (batch: readonly HostCopy[]): string => `${refuseSymlinksCommand(batch.flatMap(guarded))} || exit $?\n${batch.map(line).join('\n')}`;
  for (const batch of batches(copies, command)) {
    const result = await host.run(command(batch));
    const refused = symlinkRefusal(result, host.name, step);
    if (refused !== undefined) throw refused;
    if (result.code !== 0) {
      throw new SftunnelCaError('COMMAND_FAILED', `copying on ${host.name} stopped at ${result.stderr.trim().split('\n').pop() ?? 'a file'} (exit ${result.code})`, { host: host.name, step });
    }
  }
  const withBackup = copies.filter((c) => c.backupSuffix !== undefined);
  const digests = await remoteDigests(host, [...copies.map((c) => c.destination), ...withBackup.map((c) => c.destination + (c.backupSuffix ?? ''))], step);
  for (const copy of copies) {
    if (digests.get(copy.destination)?.sha256 !== copy.sha256) {
      throw new SftunnelCaError('INTEGRITY_MISMATCH', `${copy.destination} on ${host.name} does not hold ${copy.source} after copying`, { host: host.name, step, file: copy.destination });
    }
  }
  const replaced: Record<string, ReplacedFile> = {};
  for (const copy of withBackup) {
    const backup = copy.destination + (copy.backupSuffix ?? '');
    const kept = digests.get(backup);
    if (kept !== undefined && kept.sha256 !== copy.sha256) replaced[copy.destination] = { backup, backupSha256: kept.sha256, writtenSha256: copy.sha256 };
  }
  return replaced;
}
