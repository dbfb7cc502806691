import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from './host.js';
import { remoteDigests } from './remote-digest.js';
import { mkdirPrivateCommand } from './private-directory.js';
import { sha256 } from './sha256.js';
import { shellWord } from './shell-word.js';
import { refuseSymlinksCommand, symlinkRefusal } from './symlink-guard.js';

/** A file for {@link writeFilesInOneCommand}: where, what, with which mode and owner. */
export interface NewFile {
  /** Absolute path. */
  readonly path: string;
  /** Its text. */
  readonly content: string;
  /** Permission bits, e.g. `0o600` for a key. */
  readonly mode: number;
  /** `owner:group` to give it; default the writing user's. */
  readonly owner?: string;
}

/** Options of {@link writeFilesInOneCommand}. */
export interface WriteFilesOptions {
  /** The step, for errors. */
  readonly step: string;
  /** Cancels the write. */
  readonly signal?: AbortSignal;
  /**
   * Create the files' directories (`mkdir -p`, mode 0700) when missing: for a staging directory;
   * default false (the directories must exist).
   */
  readonly createPrivateDirectories?: boolean;
  /**
   * More paths no level of which may be a symbolic link, checked in the same command (e.g. the live
   * files that pending files will replace); the files written, their temporary files and the
   * batch script are always checked.
   */
  readonly refuseSymlinksAt?: readonly string[];
}

/** The name of the script a batch is written through, in the first file's directory; removed when it has run. */
const BATCH_SCRIPT_NAME = '.sftunnel-ca.batch.sh';

function temporaryPathOf(path: string): string {
  return `${posix.dirname(path)}/.${posix.basename(path)}.sftunnel-ca.tmp`;
}

/**
 * What an interrupted {@link writeFilesInOneCommand} of these paths may have left beside them
 * (temporary files, the batch script), for a clean-up.
 */
export function batchLeftovers(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap((path) => [temporaryPathOf(path), posix.join(posix.dirname(path), BATCH_SCRIPT_NAME)]))];
}

/**
 * Writes many files of one host in one command, each atomically (a temporary file beside it,
 * mode and owner set, then renamed over it), and checks every one's sha256 and mode afterwards.
 * The content travels as standard input — a script of quoted here-documents, written to a 0600
 * file beside the first file, run only when it arrived whole, and removed — so no content, no key,
 * ever appears in a command line. A file whose text a here-document cannot carry exactly (no final newline, or a
 * line equal to the random delimiter) is written on its own with {@link Host.writeFileAtomic}.
 *
 * @param host - the host
 * @param files - what to write (at least one)
 * @param options - the step for errors, a signal, whether to create the directories
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level of a path to write is a symbolic link (nothing written), `DISK_FULL` or `COMMAND_FAILED` when a write fails (files written before it
 *   stay, each whole), `INTEGRITY_MISMATCH` when a file does not read back as sent
 */
export async function writeFilesInOneCommand(host: Host, files: readonly NewFile[], options: WriteFilesOptions): Promise<void> {
  const first = files[0];
  if (first === undefined) return;
  const delimiter = `SFTUNNEL_CA_${randomBytes(8).toString('hex')}`;
  const fits = (file: NewFile): boolean => file.content.endsWith('\n') && !file.content.split('\n').includes(delimiter);
  const operation = options.signal === undefined ? {} : { signal: options.signal };
  const batch = files.filter(fits);
  const createDirectories = options.createPrivateDirectories === true;
  if (batch.length > 0 || createDirectories) {
    const lines = ['umask 077'];
    if (createDirectories) lines.push(...[...new Set(files.map((f) => posix.dirname(f.path)))].map((d) => `${mkdirPrivateCommand(d)} || exit 4`));
    for (const file of batch) {
      const path = shellWord(file.path);
      const temporary = shellWord(temporaryPathOf(file.path));
      const chown = file.owner === undefined ? '' : ` && chown ${shellWord(file.owner)} ${temporary}`;
      lines.push(
        `cat > ${temporary} <<'${delimiter}'${chown} && chmod ${file.mode.toString(8)} ${temporary} && mv -f ${temporary} ${path} || { rm -f ${temporary}; echo ${path} >&2; exit 3; }`,
        file.content.slice(0, -1),
        delimiter,
      );
    }
    const scriptDirectory = posix.dirname(first.path);
    const script = shellWord(posix.join(scriptDirectory, BATCH_SCRIPT_NAME));
    const prepare = createDirectories ? `${mkdirPrivateCommand(scriptDirectory)} && ` : '';
    const stdin = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    // Run only a whole script: input cut short (a lost connection) must not run as a shorter script.
    const whole = `[ "$(wc -c < ${script})" -eq ${stdin.length} ] || { echo 'the batch script arrived incomplete' >&2; false; }`;
    // No level of any path written (file, temporary file, batch script) may be a symbolic link: checked in the command that writes.
    const guard = refuseSymlinksCommand([...batch.flatMap((f) => [f.path, temporaryPathOf(f.path)]), posix.join(scriptDirectory, BATCH_SCRIPT_NAME), ...(options.refuseSymlinksAt ?? [])]);
    const result = await host.run(`umask 077 && ${guard} && ${prepare}cat > ${script} && ${whole} && sh ${script}; s=$?; rm -f ${script}; exit $s`, { ...operation, stdin });
    const refused = symlinkRefusal(result, host.name, options.step);
    if (refused !== undefined) throw refused;
    if (result.code !== 0) {
      const said = (result.stderr || result.stdout).trim().slice(0, 300);
      throw new SftunnelCaError(/No space left on device/i.test(said) ? 'DISK_FULL' : 'COMMAND_FAILED', `writing ${batch.length} files on ${host.name} exited ${result.code}: ${said}`, { host: host.name, step: options.step });
    }
  }
  for (const file of files.filter((f) => !fits(f))) {
    const [owner, group] = file.owner?.split(':') ?? [];
    await host.writeFileAtomic(file.path, file.content, { ...operation, mode: file.mode, ...(owner === undefined ? {} : { owner }), ...(group === undefined ? {} : { group }) });
  }
  const digests = await remoteDigests(host, files.map((f) => f.path), options.step);
  for (const file of files) {
    const found = digests.get(file.path);
    const expected = sha256(file.content);
    if (found?.sha256 !== expected || found.mode !== file.mode) {
      const problem = found === undefined ? 'is missing' : found.sha256 !== expected ? `has sha256 ${found.sha256}, not ${expected} as sent` : `has mode ${found.mode.toString(8)}, not ${file.mode.toString(8)}`;
      throw new SftunnelCaError('INTEGRITY_MISMATCH', `${file.path} on ${host.name} ${problem} after writing`, { host: host.name, step: options.step, file: file.path });
    }
  }
}
