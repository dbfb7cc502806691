import { lstatSync, readdirSync, readFileSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { AppliancePlaces, type AppliancePlace } from './appliance-places.js';
import { secretFindingsIn } from './secret-material.js';

/** What the audit read, by kind. */
export interface AuditCounts {
  /** Files on the operator's machine (test and CLI working directories, state, journals). */
  operatorFiles: number;
  /** Of those, journals. */
  journals: number;
  /** Files on lab appliances (logs are held to the strictest rule). */
  applianceFiles: number;
  /** Of those, logs (`/var/log/…`). */
  applianceLogs: number;
  /** Entries on lab appliances that our engine or transport made (scratch, temporary files, locks…). */
  applianceOurs: number;
}

/** Directories that hold other people's files, not anything our code or tests wrote. */
const FOREIGN = new Set(['node_modules', '.git', '.pnpm-store']);
const LAB_DIRECTORY = /^sftunnel-ca-lab-/;
const JOURNAL_OPENING = '{"type":"start"';

/** Which rule a file is held to. */
type FileKind = 'appliance' | 'journal' | 'operator';

/** Where a file of a lab stands: its path on its appliance and what lives there. */
interface OnAppliance {
  readonly path: string;
  readonly place: AppliancePlace;
}

/** The lab a directory is in, and the appliance whose tree it is in, if any. */
interface LabScope {
  readonly places: AppliancePlaces;
  /** The appliance's root directory; `undefined` directly in the lab's directory. */
  readonly root: string | undefined;
  readonly lab: string;
  /** The appliance's links to its own files and directories: by target, the path through the link (both as on the appliance). */
  readonly links: Map<string, string>;
}

/**
 * Reads every regular file under a test file's temporary tree and reports each breach of the
 * secret rules, remembering what it read (by size and mtime) so a later call reads only what changed:
 * - on lab appliances (directories `sftunnel-ca-lab-*`, one tree per appliance, see
 *   {@link AppliancePlaces}): no password anywhere; private-key material only in the live key paths
 *   of the lab's layout and their generations, and in staging directories (never in a log, a
 *   scratch directory, a temporary file…); and every entry our engine or transport made outside
 *   those (scratch, temporary files, batch scripts, locks) mode 0600 at most, directories 0700;
 * - on the operator's machine: a journal holds no secret and is mode 0600; any other file that
 *   holds a password or a private key is mode 0600 or stricter.
 *
 * Git checkouts and `node_modules` (a clone the Quick-start test installs) are not read.
 */
export class SecretTreeAudit {
  readonly counts: AuditCounts = { operatorFiles: 0, journals: 0, applianceFiles: 0, applianceLogs: 0, applianceOurs: 0 };
  readonly #read = new Map<string, string>();
  readonly #labs = new Map<string, AppliancePlaces>();

  /** Reads what is new or changed under `root` (any tree, or one lab's directory); returns the breaches found, one line each. */
  scan(root: string): string[] {
    // The whole tree first (so every link of an appliance is known), then each entry by its rule.
    const found: Array<{ readonly path: string; readonly directory: boolean; readonly lab: LabScope | undefined }> = [];
    const visit = (dir: string, lab: LabScope | undefined): void => {
      const entries = attempt((): Dirent[] => readdirSync(dir, { withFileTypes: true })) ?? [];
      if (entries.some((e) => e.name === '.git')) return; // a checkout
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !FOREIGN.has(entry.name)) {
          const inner: LabScope | undefined =
            lab === undefined ? (LAB_DIRECTORY.test(entry.name) ? { places: this.#placesOf(path), root: undefined, lab: path, links: new Map() } : undefined)
            : lab.root === undefined ? { ...lab, root: path, links: new Map() }
            : lab;
          if (inner?.root !== undefined && inner.root !== path) found.push({ path, directory: true, lab: inner });
          visit(path, inner);
        } else if (entry.isFile()) found.push({ path, directory: false, lab });
        else if (entry.isSymbolicLink() && lab?.root !== undefined) this.#link(path, lab);
      }
    };
    const name = basename(root);
    visit(root, LAB_DIRECTORY.test(name) ? { places: this.#placesOf(root), root: undefined, lab: root, links: new Map() } : undefined);
    const breaches: string[] = [];
    for (const { path, directory, lab } of found) {
      // Where an entry stands is worked out only for what is new or changed: the scan runs after every test.
      const where = (): OnAppliance | undefined => (lab === undefined ? undefined : this.#where(path, lab));
      breaches.push(...(directory ? this.#directory(path, where) : this.#file(path, where)));
    }
    return breaches;
  }

  /**
   * Remembers a link inside an appliance that leads to a file or directory of the same appliance:
   * its target (and what is under it) is held to the rules of the path through the link (a live
   * key, or a peer directory, that is a link to one elsewhere holds the live files all the same).
   */
  #link(path: string, lab: LabScope): void {
    const target = resolve(dirname(path), attempt(() => readlinkSync(path)) ?? '');
    if (target === path || relative(lab.root ?? lab.lab, target).startsWith('..')) return;
    lab.links.set(this.#onAppliance(target, lab), this.#onAppliance(path, lab));
  }

  /** The places of a lab, by the layout it recorded (read once it is there). */
  #placesOf(lab: string): AppliancePlaces {
    const known = this.#labs.get(lab);
    if (known !== undefined) return known;
    const recorded = attempt(() => readFileSync(join(lab, AppliancePlaces.LAYOUT_FILE), 'utf8'));
    const places = AppliancePlaces.fromRecordedLayout(recorded);
    if (recorded !== undefined) this.#labs.set(lab, places);
    return places;
  }

  /** A lab entry's path on its appliance (a file directly in the lab's directory counts as the appliance's `/`). */
  #onAppliance(path: string, lab: LabScope): string {
    return `/${relative(lab.root ?? lab.lab, path).split(sep).join('/')}`;
  }

  /** Where a lab entry stands on its appliance, reached through a link when one leads to it. */
  #where(path: string, lab: LabScope): OnAppliance {
    const onAppliance = this.#onAppliance(path, lab);
    const link = [...lab.links].find(([target]) => onAppliance === target || onAppliance.startsWith(`${target}/`));
    const seen = link === undefined ? onAppliance : `${link[1]}${onAppliance.slice(link[0].length)}`;
    return { path: seen, place: lab.places.placeOf(seen) };
  }

  /** A directory on an appliance, new or of a new mode: one of ours is 0700 at most. */
  #directory(path: string, whereNow: () => OnAppliance | undefined): string[] {
    const stat = attempt((): Stats => lstatSync(path));
    if (stat === undefined) return [];
    const version = `dir:${stat.mode}`;
    const known = this.#read.get(path);
    if (known === version) return [];
    this.#read.set(path, version);
    const where = whereNow();
    if (where?.place !== 'ours') return [];
    if (known === undefined) this.counts.applianceOurs++;
    return (stat.mode & 0o077) === 0 ? [] : [`${path}: a directory of ours (${where.path}) of mode ${modeOf(stat.mode)} on an appliance (0700 at most)`];
  }

  /** A file, new or changed (size, mtime or mode), by the rule of where it stands. */
  #file(path: string, whereNow: () => OnAppliance | undefined): string[] {
    const stat = attempt((): Stats => lstatSync(path));
    if (stat === undefined || !stat.isFile()) return [];
    const version = `${stat.size}:${stat.mtimeMs}:${stat.mode}`;
    const known = this.#read.get(path);
    if (known === version) return [];
    const text = attempt(() => readFileSync(path, 'utf8'));
    if (text === undefined) return [];
    const where = whereNow();
    const kind: FileKind = where !== undefined ? 'appliance' : text.startsWith(JOURNAL_OPENING) ? 'journal' : 'operator';
    if (known === undefined) this.#count(kind, where?.place);
    this.#read.set(path, version);
    const found = secretFindingsIn(text);
    const ownerOnly = (stat.mode & 0o077) === 0;
    const mode = modeOf(stat.mode);
    switch (kind) {
      case 'appliance':
        return where === undefined ? [] : applianceBreaches(path, where, found, stat.mode);
      case 'journal':
        return [...found.map(({ label }) => `${path}: ${label} in a journal`), ...(ownerOnly ? [] : [`${path}: a journal of mode ${mode}`])];
      case 'operator':
        return ownerOnly ? [] : found.map(({ label }) => `${path}: ${label} in a file of mode ${mode}`);
    }
  }

  #count(kind: FileKind, place: AppliancePlace | undefined): void {
    if (kind === 'appliance') this.counts.applianceFiles++;
    else this.counts.operatorFiles++;
    if (place === 'log') this.counts.applianceLogs++;
    if (place === 'ours') this.counts.applianceOurs++;
    if (kind === 'journal') this.counts.journals++;
  }
}

/**
 * The result of a synchronous file-system call, or `undefined` when it throws (the entry went away,
 * or cannot be read). The scan runs after every test over whole labs: synchronous calls walk a
 * thousand entries in milliseconds, where one awaited call per entry took a hundred times longer.
 */
function attempt<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

function modeOf(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** The rules of a file on an appliance: no password; keys only in live key paths and staging; ours 0600 at most. */
function applianceBreaches(path: string, where: OnAppliance, found: ReturnType<typeof secretFindingsIn>, mode: number): string[] {
  const breaches = found.flatMap(({ kind, label }) => {
    if (kind === 'password') return [`${path}: ${label} on an appliance`];
    if (where.place === 'live key' || where.place === 'staging') return [];
    return [`${path}: ${label} ${where.place === 'log' ? 'on an appliance log' : `on an appliance outside its live key paths and staging (${where.path})`}`];
  });
  if (where.place === 'ours' && (mode & 0o177) !== 0) breaches.push(`${path}: a file of ours (${where.path}) of mode ${modeOf(mode)} on an appliance (0600 at most)`);
  return breaches;
}
