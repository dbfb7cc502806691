import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { remoteDigests } from './remote-digest.js';
import { shellWord } from './shell-word.js';

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
  /** Keep the replaced file as `<destination><suffix>` unless such a backup already exists (the first backup is the file before renewal). */
  readonly backupSuffix?: string;
}

const BATCH = 20;

/**
 * Replaces many files of one host from files already on it (the FMC's switch from its staging
 * directory, a rollback from backups) in a few commands: per file, keep a backup once, copy to a
 * temporary file beside the destination, set its mode, rename it over the destination (readers
 * see the old or the new content); then check every destination's sha256. Commands name paths
 * only: no content, so no key, ever appears in a command line.
 *
 * @param host - the host, as root
 * @param copies - what to put where
 * @param step - the step for errors
 * @returns the backups kept, by destination
 * @throws SftunnelCaError `COMMAND_FAILED` when a copy fails, `INTEGRITY_MISMATCH` when a destination does not hold its source afterwards
 */
export async function copyOnHost(host: Host, copies: readonly HostCopy[], step: string): Promise<Record<string, string>> {
  const backups: Record<string, string> = {};
  for (let start = 0; start < copies.length; start += BATCH) {
    const batch = copies.slice(start, start + BATCH);
    const lines = batch.map((copy) => {
      const destination = shellWord(copy.destination);
      const temporary = shellWord(`${copy.destination}.sftunnel-ca.tmp`);
      const keep = copy.backupSuffix === undefined ? 'true' : `{ [ ! -e ${destination} ] || [ -e ${shellWord(copy.destination + copy.backupSuffix)} ] || cp -p ${destination} ${shellWord(copy.destination + copy.backupSuffix)}; }`;
      return `${keep} && cp ${shellWord(copy.source)} ${temporary} && chmod ${copy.mode.toString(8)} ${temporary} && mv -f ${temporary} ${destination} || { echo ${shellWord(copy.destination)} >&2; exit 3; }`;
    });
    const result = await host.run(lines.join('\n'));
    if (result.code !== 0) {
      throw new SftunnelCaError('COMMAND_FAILED', `copying on ${host.name} stopped at ${result.stderr.trim().split('\n').pop() ?? 'a file'} (exit ${result.code})`, { host: host.name, step });
    }
    for (const copy of batch) if (copy.backupSuffix !== undefined) backups[copy.destination] = copy.destination + copy.backupSuffix;
  }
  const digests = await remoteDigests(host, copies.map((c) => c.destination), step);
  for (const copy of copies) {
    if (digests.get(copy.destination)?.sha256 !== copy.sha256) {
      throw new SftunnelCaError('INTEGRITY_MISMATCH', `${copy.destination} on ${host.name} does not hold ${copy.source} after copying`, { host: host.name, step, file: copy.destination });
    }
  }
  return backups;
}
