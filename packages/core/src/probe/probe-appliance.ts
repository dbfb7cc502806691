import { posix } from 'node:path';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { parseSftunnelStatus, type SftunnelPeerState } from '../formats/sftunnel-status.js';
import type { FileStat, Host } from '../host/host.js';
import { isUuid } from '../identity/uuid.js';
import { DEFAULT_APPLIANCE_LAYOUT, ftdPeerFiles, fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { DEFAULT_FMC_VERSION_FILES, versionIn } from '../preflight/fmc-version-probe.js';
import { inspectFmc, type InspectedCaKey } from '../renewal/inspect.js';
import { findCommands, readClockOffset, readFreeDisk, type ProbedCommand } from './appliance-readings.js';


/** What {@link probeAppliance} is told about the appliance and the session. */
export interface ProbeApplianceParams {
  /** `fmc` or `ftd`: which layout paths to look at. */
  readonly role: 'fmc' | 'ftd';
  /** The operator's clock, read around the appliance's `date` (the clock offset). */
  readonly now: () => Date;
  /** How the session reached its shell (the transport's strategy, e.g. `expert`), to report; default unknown. */
  readonly strategy?: string;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** Where the version is read, in order; default `/etc/sf/sw_version`, then `/etc/sf/ims.conf`. */
  readonly versionFiles?: readonly string[];
  /** Cancels the probe. */
  readonly signal?: AbortSignal;
}

/** One path of the layout, as found. */
export interface ProbedPath {
  /** The absolute path on the appliance. */
  readonly path: string;
  /** Whether it exists. */
  readonly present: boolean;
  /** `file`, `directory`, `symlink` or `other`, when present. */
  readonly type?: FileStat['type'];
  /** Owner user name, when present. */
  readonly owner?: string;
  /** Owner group name, when present. */
  readonly group?: string;
  /** Permission bits, when present (e.g. `0o644`). */
  readonly mode?: number;
}

/** Free space of the file system holding a directory. */
export interface ProbedDisk {
  /** The directory asked about. */
  readonly path: string;
  /** Free KiB as `df -Pk` reports it; `undefined` when it could not be read. */
  readonly availableKiB: number | undefined;
}

/** One peer of the appliance's `sftunnel_status.pl`. */
export interface ProbedTunnel {
  /** The `PEER:` address. */
  readonly address: string;
  readonly state: SftunnelPeerState;
}

/** What {@link probeAppliance} found on one appliance; nothing in it is secret. */
export interface ApplianceProbeReport {
  /** The host's name. */
  readonly host: string;
  readonly role: 'fmc' | 'ftd';
  /** When the probe started (the operator's clock), ISO 8601. */
  readonly probedAt: string;
  /** How the login went: the strategy, the effective uid (`id -u`), and whether that is root. */
  readonly login: { readonly strategy: string | undefined; readonly uid: number | undefined; readonly root: boolean };
  /** The software version and the file it was read from, when found. */
  readonly version: { readonly text: string | undefined; readonly source: string | undefined };
  /** Every layout path looked at, present or not, in a stable order. */
  readonly paths: readonly ProbedPath[];
  /** On an FMC: InternalCA's key at `layout.fmc.caKey` and whether it matches the live CA (`undefined` on an FTD, or when the FMC could not be inspected). */
  readonly caKey: InspectedCaKey | undefined;
  /** The commands the engine relies on ({@link PROBED_COMMANDS}). */
  readonly commands: readonly ProbedCommand[];
  /** Free space where renewal writes. */
  readonly freeDisk: readonly ProbedDisk[];
  /** The appliance's clock minus the operator's, in ms (0 within the second `date` can tell); `undefined` when unread. */
  readonly clockOffsetMs: number | undefined;
  /** The tunnels `sftunnel_status.pl` shows; `undefined` when it could not run. */
  readonly tunnels: readonly ProbedTunnel[] | undefined;
  /** What could not be read, each a sentence naming the host and what failed. */
  readonly problems: readonly string[];
}

const decoder = new TextDecoder();

/**
 * Looks at one appliance without changing anything: how the login went (uid via `id -u`), the
 * version, every layout path with owner and mode, on an FMC InternalCA's key and whether it
 * matches the CA, the commands renewal relies on, free disk, the clock offset and the tunnels.
 * It only reads files, lists directories and runs `id -u`, `command -v`, `df -Pk`, `date -u +%s` and
 * `sftunnel_status.pl`. What cannot be read is reported in `problems`, not thrown (except an abort).
 *
 * @param host - a connected appliance
 * @param params - its role, the operator's clock, and how the session logged in
 * @returns the report
 *
 * @example
 * ```ts
 * const report = await probeAppliance(fmc, { role: 'fmc', now: () => new Date(), strategy: fmc.strategy });
 * console.log(report.login.root, report.version.text, report.caKey?.state);
 * ```
 */
export async function probeAppliance(host: Host, params: ProbeApplianceParams): Promise<ApplianceProbeReport> {
  const layout = params.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const signal = params.signal;
  const options = signal === undefined ? {} : { signal };
  const probedAt = params.now();
  const problems: string[] = [];
  /** Runs a read, or records why it failed (an abort is rethrown). */
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (signal?.aborted === true) throw error;
      problems.push(`${what} on ${host.name}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const uid = await attempt('id -u', async () => {
    const result = await host.run('id -u', options);
    const value = /^\s*(\d+)\s*$/.exec(result.stdout)?.[1];
    if (result.code !== 0 || value === undefined) throw new Error(`exited ${result.code} printing ${JSON.stringify(result.stdout.trim().slice(0, 40))}`);
    return Number(value);
  });

  const version = await attempt('reading the version', async () => {
    for (const file of params.versionFiles ?? DEFAULT_FMC_VERSION_FILES) {
      let text: string;
      try {
        text = decoder.decode(await host.readFile(file, options));
      } catch (error) {
        if (isSftunnelCaError(error, 'FILE_NOT_FOUND')) continue;
        throw error;
      }
      const found = versionIn(text);
      if (found !== undefined) return { text: found, source: file };
    }
    return undefined;
  });

  const paths = (await attempt('listing the layout', () => layoutPaths(host, params.role, layout, options))) ?? [];
  const probed: ProbedPath[] = [];
  for (const path of paths) {
    const stat = await attempt(`stat ${path}`, async () => {
      if (!(await host.exists(path, options))) return undefined;
      return host.stat(path, options);
    });
    probed.push(stat === undefined ? { path, present: false } : { path, present: true, type: stat.type, owner: stat.owner, group: stat.group, mode: stat.mode });
  }

  const caKey = params.role === 'fmc' ? await attempt('inspecting the FMC', async () => (await inspectFmc(host, { now: probedAt, layout })).caKey) : undefined;

  const commands = (await attempt('looking for commands', () => findCommands(host, options))) ?? [];

  const disks = params.role === 'fmc' ? [posix.dirname(layout.fmc.caCertificate), layout.fmc.peersDirectory, layout.fmc.failedPushDirectory] : [layout.ftd.peersDirectory];
  const freeDisk: ProbedDisk[] = [];
  for (const path of disks) {
    const available = await attempt(`df -Pk ${path}`, async () => (await readFreeDisk(host, path, options)).availableKiB);
    freeDisk.push({ path, availableKiB: available });
  }

  const clockOffsetMs = await attempt('date -u +%s', () => readClockOffset(host, params.now, options));

  const tunnels = await attempt('sftunnel_status.pl', async () => {
    const result = await host.run('sftunnel_status.pl', options);
    if (result.code !== 0) throw new Error(`exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`);
    return parseSftunnelStatus(result.stdout).map((peer): ProbedTunnel => ({ address: peer.address, state: peer.state }));
  });

  return {
    host: host.name,
    role: params.role,
    probedAt: probedAt.toISOString(),
    login: { strategy: params.strategy, uid, root: uid === 0 },
    version: { text: version?.text, source: version?.source },
    paths: probed,
    caKey,
    commands,
    freeDisk,
    clockOffsetMs,
    tunnels,
    problems,
  };
}

/** The layout paths of a role: fixed ones, then those of each peer directory found (sorted). */
async function layoutPaths(host: Host, role: 'fmc' | 'ftd', layout: ApplianceLayout, options: { readonly signal?: AbortSignal }): Promise<string[]> {
  const peers = async (directory: string): Promise<string[]> => ((await host.exists(directory, options)) ? (await host.list(directory, options)).filter(isUuid) : []);
  if (role === 'fmc') {
    const f = layout.fmc;
    const paths = [f.caCertificate, f.caCrl, f.caKey, f.sftunnelCertificate, f.sftunnelKey, f.sftunnelConf, f.peersDirectory, f.failedPushDirectory, f.renewalLog, f.messagesLog];
    for (const uuid of await peers(f.peersDirectory)) {
      const pushed = fmcPushedFiles(layout, uuid);
      paths.push(pushed.directory, pushed.sftunnelCertificate, pushed.sftunnelKey);
    }
    return paths;
  }
  const paths = [layout.ftd.peersDirectory, layout.ftd.messagesLog];
  for (const uuid of await peers(layout.ftd.peersDirectory)) {
    const files = ftdPeerFiles(layout, uuid);
    paths.push(files.directory, files.caCertificate, files.sftunnelCertificate, files.sftunnelKey);
  }
  return paths;
}

