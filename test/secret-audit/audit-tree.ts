import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
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
}

/** Directories that hold other people's files, not anything our code or tests wrote. */
const FOREIGN = new Set(['node_modules', '.git', '.pnpm-store']);
const LAB_DIRECTORY = /^sftunnel-ca-lab-/;
const JOURNAL_OPENING = '{"type":"start"';

/** Which rule a file is held to. */
type FileKind = 'appliance log' | 'appliance' | 'journal' | 'operator';

/**
 * Reads every regular file under a test file's temporary tree and reports each breach of the
 * secret rules, remembering what it read (by size and mtime) so a later call reads only what changed:
 * - on lab appliances (directories `sftunnel-ca-lab-*`): no password anywhere, and in logs
 *   (`/var/log/…`) no private-key material either (appliances hold keys in their files, never in logs);
 * - on the operator's machine: a journal holds no secret and is mode 0600; any other file that
 *   holds a password or a private key is mode 0600 or stricter.
 *
 * Git checkouts and `node_modules` (a clone the Quick-start test installs) are not read.
 */
export class SecretTreeAudit {
  readonly counts: AuditCounts = { operatorFiles: 0, journals: 0, applianceFiles: 0, applianceLogs: 0 };
  readonly #read = new Map<string, string>();

  /** Reads what is new or changed under `root`; returns the breaches found, one line each. */
  async scan(root: string): Promise<string[]> {
    const breaches: string[] = [];
    const visit = async (dir: string, inLab: boolean): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      if (entries.some((e) => e.name === '.git')) return; // a checkout
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !FOREIGN.has(entry.name)) await visit(path, inLab || LAB_DIRECTORY.test(entry.name));
        else if (entry.isFile()) breaches.push(...(await this.#file(path, inLab)));
      }
    };
    await visit(root, false);
    return breaches;
  }

  async #file(path: string, onAppliance: boolean): Promise<string[]> {
    const stat = await lstat(path).catch(() => undefined);
    if (stat === undefined || !stat.isFile()) return [];
    const version = `${stat.size}:${stat.mtimeMs}:${stat.mode}`;
    const known = this.#read.get(path);
    if (known === version) return [];
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) return [];
    const kind: FileKind = onAppliance ? (path.includes(`${sep}var${sep}log${sep}`) ? 'appliance log' : 'appliance') : text.startsWith(JOURNAL_OPENING) ? 'journal' : 'operator';
    if (known === undefined) this.#count(kind);
    this.#read.set(path, version);
    const found = secretFindingsIn(text);
    const ownerOnly = (stat.mode & 0o077) === 0;
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    switch (kind) {
      case 'appliance log':
        return found.map(({ label }) => `${path}: ${label} on an appliance log`);
      case 'appliance':
        return found.filter(({ kind: what }) => what === 'password').map(({ label }) => `${path}: ${label} on an appliance`);
      case 'journal':
        return [...found.map(({ label }) => `${path}: ${label} in a journal`), ...(ownerOnly ? [] : [`${path}: a journal of mode ${mode}`])];
      case 'operator':
        return ownerOnly ? [] : found.map(({ label }) => `${path}: ${label} in a file of mode ${mode}`);
    }
  }

  #count(kind: FileKind): void {
    if (kind === 'appliance log' || kind === 'appliance') this.counts.applianceFiles++;
    else this.counts.operatorFiles++;
    if (kind === 'appliance log') this.counts.applianceLogs++;
    if (kind === 'journal') this.counts.journals++;
  }
}
