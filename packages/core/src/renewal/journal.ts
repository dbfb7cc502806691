import { appendFile, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { DeviceFingerprints } from './renewal-result.js';

/** What identifies the run a journal belongs to. */
export interface JournalRun {
  /** The FMC's UUID. */
  readonly fmcUuid: string;
  /** The staging directory on the FMC. */
  readonly stagingDirectory: string;
}

/**
 * One file a run replaced, as its journal records it: where the previous content was kept and the
 * sha256 of what the backup holds and of what the run wrote. A rollback of the run restores exactly
 * that backup, and only while the live file still holds what the run wrote.
 */
export interface ReplacedFile {
  /** The backup's path on the appliance (`<file>.backup`: the vendor's name holds the previous set). */
  readonly backup: string;
  /** sha256 of the backup's content (the file before the run), lowercase hex. */
  readonly backupSha256: string;
  /** sha256 of what the run wrote to the live file, lowercase hex. */
  readonly writtenSha256: string;
}

/** One line of a journal. No secret and no key material ever appears in one. */
export type JournalEntry =
  | ({ readonly type: 'start'; readonly at: string } & JournalRun)
  | {
      readonly type: 'delivered';
      readonly uuid: string;
      readonly backups: Readonly<Record<string, string>>;
      readonly before: DeviceFingerprints;
      /** What the run replaced on the device, by live path (journals of earlier versions lack it). */
      readonly replaced?: Readonly<Record<string, ReplacedFile>>;
    }
  | {
      readonly type: 'fmc-switched';
      readonly backups: Readonly<Record<string, string>>;
      /** What the run replaced on the FMC, by live path (journals of earlier versions lack it). */
      readonly replaced?: Readonly<Record<string, ReplacedFile>>;
    }
  | { readonly type: 'renewed'; readonly uuid: string }
  | { readonly type: 'rolled-back'; readonly uuid: string }
  | { readonly type: 'fmc-rolled-back' };

/**
 * The journal of a renewal run on the operator's machine: one JSON line per step done, appended
 * and flushed before the next step starts, in a file of mode 0600. It holds no secrets and no key
 * material (keys stay in the FMC's staging directory), only what a resumed run needs to skip what
 * is done: which devices have their new files (and where their backups are), whether the FMC has
 * switched, which devices are renewed.
 *
 * @example
 * ```ts
 * const journal = await RenewalJournal.open('renewal.journal', { fmcUuid, stagingDirectory: plan.stagingDirectory });
 * const result = await deliverRenewal(fmc, plan, prepared, { connect, now, journal });
 * ```
 */
export class RenewalJournal {
  /** The journal file. */
  readonly path: string;
  /** The run it belongs to. */
  readonly run: JournalRun;
  readonly #entries: JournalEntry[];

  private constructor(path: string, run: JournalRun, entries: JournalEntry[]) {
    this.path = path;
    this.run = run;
    this.#entries = entries;
  }

  /**
   * The run a journal file belongs to, to resume it (plan with its staging directory); `undefined`
   * when there is no such file.
   *
   * @param path - the journal file
   * @throws SftunnelCaError `JOURNAL_INVALID` when it is not a journal, not yours or not mode 0600,
   *   or when there is none and its directory does not exist (a new run could not write it)
   */
  static async peek(path: string): Promise<JournalRun | undefined> {
    const entries = await readEntries(path);
    if (entries === undefined) await assertDirectoryOf(path);
    return entries === undefined ? undefined : startOf(entries, path);
  }

  /**
   * Opens the journal of a run: reads it when it exists (and checks it belongs to `run`), or
   * creates it with mode 0600.
   *
   * @param path - the journal file on the operator's machine
   * @param run - the FMC and staging directory of the run
   * @param now - the time recorded in a new journal
   * @throws SftunnelCaError `JOURNAL_OTHER_FMC` when it is the journal of a run on another FMC,
   *   `JOURNAL_INVALID` when it belongs to another staging directory or cannot be read or created
   */
  static async open(path: string, run: JournalRun, now: Date): Promise<RenewalJournal> {
    const entries = await readEntries(path);
    if (entries !== undefined) {
      const start = startOf(entries, path);
      if (start.fmcUuid !== run.fmcUuid) {
        throw new SftunnelCaError('JOURNAL_OTHER_FMC', `${path} is the journal of a run on FMC ${start.fmcUuid}, not on this FMC (${run.fmcUuid})`, { file: path, step: 'journal' });
      }
      if (start.stagingDirectory !== run.stagingDirectory) {
        throw new SftunnelCaError('JOURNAL_INVALID', `${path} belongs to the run staged in ${start.stagingDirectory}, not in ${run.stagingDirectory}`, { file: path, step: 'journal' });
      }
      return new RenewalJournal(path, run, entries);
    }
    const journal = new RenewalJournal(path, run, []);
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.close();
    } catch (cause) {
      throw new SftunnelCaError('JOURNAL_INVALID', `${path} cannot be created (${(cause as NodeJS.ErrnoException).code ?? String(cause)}): a new journal goes in an existing directory of yours`, { file: path, step: 'journal', cause });
    }
    await journal.record({ type: 'start', at: now.toISOString(), ...run });
    return journal;
  }

  /** Every entry so far. */
  get entries(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** The delivery record of a device, when its new files are in place. */
  delivered(uuid: string): Extract<JournalEntry, { type: 'delivered' }> | undefined {
    return this.#last(uuid, (e): e is Extract<JournalEntry, { type: 'delivered' }> => e.type === 'delivered');
  }

  /** Whether a device is renewed (and not rolled back since). */
  renewed(uuid: string): boolean {
    return this.#last(uuid, (e): e is Extract<JournalEntry, { type: 'renewed' }> => e.type === 'renewed') !== undefined;
  }

  /** The FMC switch record, when the FMC has switched (and has not been rolled back since). */
  get fmcSwitch(): Extract<JournalEntry, { type: 'fmc-switched' }> | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i] as JournalEntry;
      if (entry.type === 'fmc-rolled-back') return undefined;
      if (entry.type === 'fmc-switched') return entry;
    }
    return undefined;
  }

  /** The FMC switch record of the run, whether or not it was rolled back since: what the run replaced on the FMC. */
  get fmcSwitchRecord(): Extract<JournalEntry, { type: 'fmc-switched' }> | undefined {
    return this.#entries.findLast((e): e is Extract<JournalEntry, { type: 'fmc-switched' }> => e.type === 'fmc-switched');
  }

  /** The last delivery record of a device, whether or not it was rolled back since: what the run replaced on it. */
  deliveryRecord(uuid: string): Extract<JournalEntry, { type: 'delivered' }> | undefined {
    return this.#entries.findLast((e): e is Extract<JournalEntry, { type: 'delivered' }> => e.type === 'delivered' && e.uuid === uuid);
  }

  /**
   * Appends an entry and flushes it to disk before returning.
   *
   * @param entry - the step done
   */
  async record(entry: JournalEntry): Promise<void> {
    const handle = await open(this.path, 'a', 0o600);
    try {
      await appendFile(handle, `${JSON.stringify(entry)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.#entries.push(entry);
  }

  #last<E extends JournalEntry>(uuid: string, is: (entry: JournalEntry) => entry is E): E | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i] as JournalEntry;
      if ('uuid' in entry && entry.uuid === uuid) return is(entry) ? entry : undefined;
    }
    return undefined;
  }
}

/** A journal that cannot be used as it is: `JOURNAL_INVALID` naming it. */
function invalid(path: string, message: string, cause?: unknown): SftunnelCaError {
  return new SftunnelCaError('JOURNAL_INVALID', message, { file: path, step: 'journal', ...(cause === undefined ? {} : { cause }) });
}

/** Refuses a journal path whose directory does not exist (or is no directory): a new run could not write its journal there. */
async function assertDirectoryOf(path: string): Promise<void> {
  const directory = dirname(path);
  const info = await stat(directory).catch((cause: unknown) => {
    throw invalid(path, `there is no journal at ${path}, and a new one cannot be written there: ${directory} cannot be used (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); pass a --journal in an existing directory`, cause);
  });
  if (!info.isDirectory()) throw invalid(path, `there is no journal at ${path}, and a new one cannot be written there: ${directory} is not a directory; pass a --journal in an existing directory`);
}

async function readEntries(path: string): Promise<JournalEntry[] | undefined> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalid(path, `${path} is not a regular file: a journal is a file the run writes (mode 0600)`);
    // A journal decides what a run skips and what a rollback restores: only one the user running it wrote.
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) throw invalid(path, `${path} is owned by uid ${info.uid}, not by you (uid ${uid}): a journal is written by the user who runs the renewal`);
    if ((info.mode & 0o077) !== 0) throw invalid(path, `${path} has mode ${(info.mode & 0o777).toString(8)}; a journal must be 600`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    // No such file (or a file on the way where a directory should be): there is no journal yet.
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    if (error instanceof SftunnelCaError) throw error;
    throw invalid(path, `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }
  // A run killed while appending leaves at most a partial last line: it recorded nothing done.
  // Blank lines are skipped; a line is named by its number in the file.
  const lines = text.split('\n').flatMap((line, index) => (line === '' ? [] : [{ line, number: index + 1 }]));
  const entries: JournalEntry[] = [];
  lines.forEach(({ line, number }, index) => {
    try {
      const entry: unknown = JSON.parse(line);
      if (!isJournalEntry(entry)) throw new TypeError(`not one of the journal's entries: ${line.slice(0, 80)}`);
      entries.push(entry);
    } catch (cause) {
      if (index === lines.length - 1 && !text.endsWith('\n')) return;
      throw new SftunnelCaError('JOURNAL_INVALID', `line ${number} of ${path} is not a journal entry`, { file: path, line: number, step: 'journal', cause });
    }
  });
  return entries;
}

/** Whether a parsed line is one of the journal's entries, with the fields a resumed run reads. */
function isJournalEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const isObject = (field: unknown): boolean => typeof field === 'object' && field !== null && !Array.isArray(field);
  switch (entry['type']) {
    case 'start':
      return typeof entry['fmcUuid'] === 'string' && typeof entry['stagingDirectory'] === 'string';
    case 'delivered':
      return typeof entry['uuid'] === 'string' && isObject(entry['backups']) && isObject(entry['before']) && isReplaced(entry['replaced']);
    case 'fmc-switched':
      return isObject(entry['backups']) && isReplaced(entry['replaced']);
    case 'fmc-rolled-back':
      return true;
    case 'renewed':
    case 'rolled-back':
      return typeof entry['uuid'] === 'string';
    default:
      return false;
  }
}

/** An absent `replaced` (an earlier version's journal), or one {@link ReplacedFile} per path. */
function isReplaced(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const hex = (field: unknown): boolean => typeof field === 'string' && /^[0-9a-f]{64}$/.test(field);
  return Object.values(value).every((file: unknown) => {
    if (typeof file !== 'object' || file === null) return false;
    const record = file as Record<string, unknown>;
    return typeof record['backup'] === 'string' && hex(record['backupSha256']) && hex(record['writtenSha256']);
  });
}

function startOf(entries: readonly JournalEntry[], path: string): JournalRun {
  const first = entries[0];
  if (first?.type !== 'start') throw invalid(path, `${path} does not begin with a start entry`);
  return { fmcUuid: first.fmcUuid, stagingDirectory: first.stagingDirectory };
}
