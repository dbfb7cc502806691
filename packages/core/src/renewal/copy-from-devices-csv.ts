import type { SftunnelCaErrorCode } from '../errors/error-codes.js';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { formatCopyLog, type CopyLogEvent, type CopyLogEventKind, type CopyLogOptions } from '../formats/copy-log.js';
import { planCopyRun, type CopyRunTarget, type DeviceRow } from '../formats/devices-csv.js';
import type { Host } from '../host/host.js';
import { DEFAULT_APPLIANCE_LAYOUT, fmcHaPeerFiles, fmcPushedFiles, ftdPeerFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { runBounded } from '../host/bounded-run.js';
import { deliverFiles, type DeliveredFilesState, type DeviceFile } from './device-files.js';
import { isUuid } from '../identity/uuid.js';
import { sha256 } from '../host/sha256.js';
import { UNKNOWN_FINGERPRINTS, withDeviceHost, type FleetRunLimits } from './device-run.js';
import { inspectFmc, type FmcInspection, type InspectedDevice } from './inspect.js';
import { queuedHost } from '../host/queued-host.js';
import { restartSftunnel, waitForTunnelUp } from './sftunnel-control.js';
import { stagedDeviceFiles, stagedFmcFiles } from './staging-layout.js';
import { deviceOfRow } from './inventory-match.js';

/** Options of {@link copyFromDevicesCsv}. */
export interface CopyFromDevicesCsvOptions extends CopyLogOptions, FleetRunLimits {
  /** Opens a root {@link Host} on a row's appliance (SSH with the row's credentials, a jump host…); the run closes it. */
  readonly connect: (row: DeviceRow, signal: AbortSignal) => Promise<Host>;
  /** Copy the files of this staging directory (`/var/tmp/certs/<unix-time>`, where FAILED_PUSH is) instead of the FMC's live CA and `certs_pushed` pairs. */
  readonly stagingDirectory?: string;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
}

/** What became of one row of a copy run. */
export type DevicesCsvCopyOutcome = 'copied' | 'skipped-not-ha-peer' | 'failed';

/** One row's record of {@link copyFromDevicesCsv}. */
export interface DevicesCsvCopyRecord {
  /** The row's name. */
  readonly name: string;
  /** The row's address. */
  readonly address: string;
  /** The row's line in devices.csv. */
  readonly line: number;
  /** What the appliance turned out to be: an FTD, the HA peer FMC, an FMC that is not the HA peer; `undefined` when never reached. */
  readonly role: 'ftd' | 'ha-peer' | 'fmc' | undefined;
  /** What became of it. */
  readonly outcome: DevicesCsvCopyOutcome;
  /** Why it failed. */
  readonly cause: SftunnelCaErrorCode | undefined;
  /** The failure's message. */
  readonly message: string | undefined;
  /** Whether it held the FMC's files already (they were not rewritten; its tunnel was restarted all the same). */
  readonly alreadyCopied: boolean;
  /** The backups kept, by file. */
  readonly backups: Readonly<Record<string, string>>;
  /** The copy log's events of the row, in order. */
  readonly events: readonly CopyLogEvent[];
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601. */
  readonly finishedAt: string;
  /** Milliseconds. */
  readonly durationMs: number;
}

/** The result of {@link copyFromDevicesCsv}. */
export interface DevicesCsvCopyResult {
  /** The FMC whose certificates were copied (the first row). */
  readonly source: string;
  /** The InternalCA copied, SHA-256 fingerprint. */
  readonly caFingerprintSha256: string;
  /** One record per row after the first, in row order. */
  readonly records: readonly DevicesCsvCopyRecord[];
  /** Rows by outcome. */
  readonly counts: Readonly<Record<DevicesCsvCopyOutcome, number>>;
  /** The vendor's copy log of the run ({@link formatCopyLog}), one section per row. */
  readonly log: string;
}

const decoder = new TextDecoder();

/**
 * The copy step of the vendor's procedure run from a jump server
 * (`copy_sftunnel_certs_jumpserver.py devices.csv`), with bounded concurrency. The first row is
 * the FMC whose certificates are copied; every other row is connected to and:
 *
 * - an FTD, or the HA peer FMC, that the FMC knows (a peer directory named by the UUID of the
 *   appliance's own InternalCA, for an FMC, or whose `sftunnel.json` names its address or name)
 *   gets the FMC's InternalCA and its own pair from the FMC's `certs_pushed/<UUID>/` (or from
 *   `stagingDirectory`) in its peer directory for the FMC (an FTD's `ftd.peersDirectory`, the HA
 *   peer's `fmc.peersDirectory`: {@link fmcHaPeerFiles}), with backups, atomically, keeping the
 *   appliance's owner and mode; then `pmtool restartbyid sftunnel`, and its tunnel is checked on the FMC;
 * - an FMC that is not the HA peer (role `fmc`, or an appliance with an InternalCA of its own
 *   that the FMC does not know) is skipped with the vendor's message; one given role `ha-peer`
 *   fails (`RENEWAL_DEVICE_UNKNOWN`).
 *
 * The run changes nothing on the FMC. A row's failure is recorded (cause code), never thrown; once
 * connected to, the log says why (a `failed` event: `Failed to copy certificates to <name>: <CODE>:
 * <message>`); a row never connected to ends with the vendor's `Could not connect to <name>`.
 *
 * @param rows - devices.csv, from {@link parseDevicesCsv}
 * @param options - how to reach each row, the clock, limits, the files' source
 * @returns one record per row after the first, and the copy log
 * @throws SftunnelCaError `DEVICES_CSV_SYNTAX` when there is no first row; what connecting to or
 *   inspecting the FMC throws; `RENEWAL_PREPARED_STALE` when the staged CA is not the FMC's live one
 *
 * @example
 * ```ts
 * const rows = parseDevicesCsv(await readFile('devices.csv', 'utf8'));
 * const result = await copyFromDevicesCsv(rows, {
 *   connect: async (row, signal) => SshHost.connect({ host: row.address, port: row.port, username: row.user,
 *     password: await row.password.resolve({ env: process.env, readFile: (p) => readFile(p) }), strategy: 'auto', hostKeys, signal }),
 *   now: () => new Date(),
 * });
 * process.stdout.write(result.log);
 * ```
 */
export async function copyFromDevicesCsv(rows: readonly DeviceRow[], options: CopyFromDevicesCsvOptions): Promise<DevicesCsvCopyResult> {
  const plan = planCopyRun(rows, 'jump-server');
  const source = plan.source as DeviceRow;
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  // The FMC's connection lasts the whole run: no per-device deadline; its connect has the caller's timeout.
  const fmcHost = await options.connect(source, new AbortController().signal);
  let records: DevicesCsvCopyRecord[];
  let ca: Certificate;
  try {
    const fmc = queuedHost(fmcHost, 1);
    const inspection = await inspectFmc(fmc, { now: options.now(), layout });
    const files = await fmcFiles(fmc, inspection, options.stagingDirectory);
    ca = files.ca;
    const outcomes = await runBounded(plan.targets, options.concurrency ?? 16, (target) => copyRow(target, fmc, inspection, files, options, layout));
    records = outcomes.flatMap((o) => (o.started ? [o.value] : [])); // no mayStart: every row starts
  } finally {
    await fmcHost.close().catch(() => undefined); // the run's outcome stands; closing is best effort
  }
  const counts: Record<DevicesCsvCopyOutcome, number> = { copied: 0, 'skipped-not-ha-peer': 0, failed: 0 };
  for (const record of records) counts[record.outcome] += 1;
  const log = formatCopyLog(records.map((r) => ({ device: r.name, events: r.events })), options);
  return { source: source.name, caFingerprintSha256: ca.fingerprintSha256, records, counts, log };
}

/** Where the copied files come from: the InternalCA, and each peer's pair read when it is its turn. */
interface FmcFiles {
  readonly ca: Certificate;
  readonly caPem: string;
  pair(uuid: string): Promise<{ readonly certificate: string; readonly key: string }>;
}

async function fmcFiles(fmc: Host, inspection: FmcInspection, stagingDirectory: string | undefined): Promise<FmcFiles> {
  const { layout } = inspection;
  const read = async (path: string): Promise<string> => decoder.decode(await fmc.readFile(path));
  const caPath = stagingDirectory === undefined ? inspection.livePaths.caCertificate : stagedFmcFiles(stagingDirectory, layout).caCertificate;
  const caPem = await read(caPath);
  const ca = Certificate.fromPem(caPem, caPath);
  if (ca.fingerprintSha256 !== inspection.ca.certificate.fingerprintSha256) {
    throw new SftunnelCaError('RENEWAL_PREPARED_STALE', `${caPath} is not the InternalCA ${fmc.name} uses now; switch the FMC before copying its files`, { host: fmc.name, step: 'inspect', file: caPath });
  }
  return {
    ca,
    caPem,
    async pair(uuid) {
      const paths = stagingDirectory === undefined ? fmcPushedFiles(layout, uuid) : stagedDeviceFiles(stagingDirectory, layout, uuid);
      const [certificate, key] = await Promise.all([read(paths.sftunnelCertificate), read(paths.sftunnelKey)]);
      return { certificate, key };
    },
  };
}

/** One row: connect, learn what it is, copy and restart or skip; the vendor's log events on the way. */
async function copyRow(target: CopyRunTarget, fmc: Host, inspection: FmcInspection, files: FmcFiles, options: CopyFromDevicesCsvOptions, layout: ApplianceLayout): Promise<DevicesCsvCopyRecord> {
  const { row } = target;
  const events: CopyLogEvent[] = [];
  const log = (kind: CopyLogEventKind, reason?: string): void => {
    events.push({ kind, at: options.now(), ...(reason === undefined ? {} : { reason }) });
  };
  const state: DeliveredFilesState = { before: UNKNOWN_FINGERPRINTS, backups: {}, alreadyDelivered: false, replaced: {} };
  let role: DevicesCsvCopyRecord['role'];
  let step = 'connect';
  let connected = false;
  let failure: unknown;
  const startedAt = options.now();
  log('attempting');
  try {
    await withDeviceHost(
      row.name,
      async (signal) => {
        const host = await options.connect(row, signal);
        connected = true;
        log('connected');
        return host;
      },
      options.deviceTimeoutMs ?? 120_000,
      () => step,
      async (host, signal) => {
        step = 'inspect';
        const isFmc = await host.exists(layout.fmc.caCertificate, { signal });
        // An FMC is the HA peer when the FMC copied from has a peer directory for it: found by the UUID its own InternalCA names, else as an FTD is.
        const fmcUuid = isFmc ? await ownUuid(host, layout, signal) : undefined;
        const peer = target.action === 'copy' ? peerOf(inspection.devices, row, fmcUuid) : undefined;
        if (peer === undefined && (target.action === 'skip-not-ha-peer' || (isFmc && row.role === undefined))) {
          role = 'fmc';
          log('not-ha-peer');
          return;
        }
        if (peer === undefined) {
          const which = fmcUuid === undefined ? `${row.name} or ${row.address}` : `${row.name}, ${row.address} or the FMC ${fmcUuid}`;
          const remedy = isFmc ? `: it is not the HA peer of ${inspection.host} (or the pair's registration is incomplete); remove the row, or give it role fmc to skip it` : '';
          throw new SftunnelCaError('RENEWAL_DEVICE_UNKNOWN', `${inspection.host} has no peer directory whose sftunnel.json names ${which}${remedy}`, { host: row.name, step, line: row.line });
        }
        role = isFmc ? 'ha-peer' : 'ftd';
        log('copying');
        const pair = await files.pair(peer.uuid);
        // The HA peer FMC keeps the files for this FMC in its own peers directory, as an FTD does.
        const destinations = role === 'ha-peer' ? fmcHaPeerFiles(layout, inspection.fmcUuid) : ftdPeerFiles(layout, inspection.fmcUuid);
        const content: readonly DeviceFile[] = [
          { destination: destinations.caCertificate, content: files.caPem, sha256: sha256(files.caPem) },
          { destination: destinations.sftunnelCertificate, content: pair.certificate, sha256: sha256(pair.certificate) },
          { destination: destinations.sftunnelKey, content: pair.key, sha256: sha256(pair.key) },
        ];
        const reopen = (restoreSignal: AbortSignal): Promise<Host> => options.connect(row, restoreSignal);
        await deliverFiles(host, state, content, { newCa: files.ca, now: options.now(), signal, step: (next) => (step = next), layout, reopen });
        log('copied');
        log('restarting');
        step = 'restart';
        await restartSftunnel(host, step, signal);
        step = 'tunnel';
        if (!(await waitForTunnelUp(fmc, row.address, { timeoutMs: options.tunnelTimeoutMs ?? 30_000, signal }))) {
          throw new SftunnelCaError('TUNNEL_NOT_UP', `${inspection.host} does not show the tunnel of ${row.name} (${row.address}) up within ${Math.round((options.tunnelTimeoutMs ?? 30_000) / 1000)} s of its restart`, { host: row.name, step });
        }
      },
    );
  } catch (error) {
    failure = error;
    // Why, on a line of its own before `closing` (the vendor's log shows none); a row never connected to keeps the vendor's `Could not connect` as its reason.
    if (connected) log('failed', `${isSftunnelCaError(error) ? error.code : 'COMMAND_FAILED'}: ${error instanceof Error ? error.message : String(error)}`.replace(/\s+/g, ' ').trim());
  }
  log(connected ? 'closing' : 'could-not-connect');
  const finishedAt = options.now();
  return {
    name: row.name,
    address: row.address,
    line: row.line,
    role,
    outcome: failure !== undefined ? 'failed' : role === 'fmc' ? 'skipped-not-ha-peer' : 'copied',
    cause: failure === undefined ? undefined : isSftunnelCaError(failure) ? failure.code : 'COMMAND_FAILED',
    message: failure === undefined ? undefined : failure instanceof Error ? failure.message : String(failure),
    alreadyCopied: state.alreadyDelivered,
    backups: state.backups,
    events,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  };
}

/** The peer of the FMC a row names: by UUID (an FMC's, from its InternalCA), else as every row is matched ({@link deviceOfRow}: address, then name, from the peers' `sftunnel.json`). */
function peerOf(devices: readonly InspectedDevice[], row: DeviceRow, uuid: string | undefined): InspectedDevice | undefined {
  return (uuid === undefined ? undefined : devices.find((d) => d.uuid.toLowerCase() === uuid.toLowerCase())) ?? deviceOfRow(devices, row);
}

/** An FMC's UUID: the CN of the InternalCA it holds; `undefined` when that file does not say one. */
async function ownUuid(host: Host, layout: ApplianceLayout, signal: AbortSignal): Promise<string | undefined> {
  try {
    const uuid = Certificate.fromPem(decoder.decode(await host.readFile(layout.fmc.caCertificate, { signal })), layout.fmc.caCertificate).commonName;
    return uuid !== undefined && isUuid(uuid) ? uuid : undefined;
  } catch (error) {
    if (isSftunnelCaError(error, 'PEM_INVALID')) return undefined; // an unreadable CA names no peer: the row is matched by address or name
    throw error;
  }
}
