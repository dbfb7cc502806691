import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { DEFAULT_APPLIANCE_LAYOUT, failedPushPath, type ApplianceLayout, type PeerFileNames } from '../layout/appliance-layout.js';
import { isIpAddress } from '../identity/network-address.js';
import { isUuid } from '../identity/uuid.js';

/** Which of the three delivered files a FAILED_PUSH line is about. */
export type PeerFileRole = keyof PeerFileNames;

/** The five fields of one FAILED_PUSH line, as written. */
export interface FailedPushRecord {
  /** The device's UUID (its directory name under /var/sf/peers on the FMC). */
  readonly deviceUuid: string;
  /** The device's name as the FMC knows it. */
  readonly deviceName: string;
  /** The device's IPv4 or IPv6 address. */
  readonly deviceAddress: string;
  /** Where the file is on the FMC, as written (may contain `//`). */
  readonly sourcePath: string;
  /** Where the file goes on the device: `/var/sf/peers/<FMC-UUID>/<file>`. */
  readonly destinationPath: string;
}

/** One checked FAILED_PUSH line. */
export interface FailedPushEntry extends FailedPushRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  /** {@link FailedPushRecord.sourcePath} with `//` and `.` segments collapsed. */
  readonly normalizedSourcePath: string;
  /** {@link FailedPushRecord.destinationPath} with `//` and `.` segments collapsed. */
  readonly normalizedDestinationPath: string;
  /** Which file this is. */
  readonly role: PeerFileRole;
  /** The UUID that names the destination directory on the device: the FMC's. */
  readonly peerUuid: string;
}

/** The lines of one device, grouped. */
export interface FailedPushDevice {
  /** The device's UUID. */
  readonly uuid: string;
  /** The device's name. */
  readonly name: string;
  /** The device's IP address. */
  readonly address: string;
  /** The device's lines, in file order. */
  readonly entries: readonly FailedPushEntry[];
  /** The device's lines by file; generate_certs.pl writes all three. */
  readonly files: Readonly<Partial<Record<PeerFileRole, FailedPushEntry>>>;
  /** Whether all three files are listed. */
  readonly complete: boolean;
}

/** A parsed FAILED_PUSH file. */
export interface FailedPush {
  /** Every line, in file order. */
  readonly entries: readonly FailedPushEntry[];
  /** The lines grouped by device, in order of first appearance. */
  readonly devices: readonly FailedPushDevice[];
  /** The FMC's UUID, read from the destination directories; `undefined` for an empty file. */
  readonly fmcUuid: string | undefined;
}

/** Options of {@link parseFailedPush}. */
export interface ParseFailedPushOptions {
  /** The file name to put in errors. Default `FAILED_PUSH`. */
  readonly file?: string;
  /** The FMC's UUID: when given, every destination must be under its directory. */
  readonly fmcUuid?: string;
  /** Paths and file names to check against. Default {@link DEFAULT_APPLIANCE_LAYOUT}. */
  readonly layout?: ApplianceLayout;
}

/** The newest generate_certs.pl run found by {@link findNewestFailedPush}. */
export interface FailedPushLocation {
  /** The run's directory name: seconds since 1970. */
  readonly unixTime: number;
  /** `/var/tmp/certs/<unix-time>/FAILED_PUSH`. */
  readonly path: string;
}

const FIELDS = 'FTD_UUID FTD_NAME FTD_IP SOURCE_PATH DESTINATION_PATH';

/**
 * Reads the FAILED_PUSH file generate_certs.pl writes, checks every line, and groups the
 * lines by device. Nothing in a line is trusted: UUIDs and addresses must have their shape,
 * paths must be absolute without `..`, and each destination must be one of the three files
 * of the FMC's peer directory on the device.
 *
 * @param text - the file's content
 * @param options - file name for errors, expected FMC UUID, layout
 * @throws SftunnelCaError `FAILED_PUSH_SYNTAX` for a malformed line, `FAILED_PUSH_UNSAFE_PATH`
 *   for a path that could reach outside the peer directory; both with the line number
 *
 * @example
 * ```ts
 * const failed = parseFailedPush(await fmc.readFile(path).then((b) => new TextDecoder().decode(b)));
 * for (const device of failed.devices) console.log(device.name, device.address, device.complete);
 * ```
 */
export function parseFailedPush(text: string, options: ParseFailedPushOptions = {}): FailedPush {
  const file = options.file ?? 'FAILED_PUSH';
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const entries: FailedPushEntry[] = [];
  let fmcUuid = options.fmcUuid;
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const entry = parseLine(raw, index + 1, file, layout);
    fmcUuid ??= entry.peerUuid;
    if (entry.peerUuid.toLowerCase() !== fmcUuid.toLowerCase()) {
      throw new SftunnelCaError(
        'FAILED_PUSH_UNSAFE_PATH',
        `the destination ${JSON.stringify(entry.destinationPath)} is not under the FMC's peer directory ${posix.join(layout.ftd.peersDirectory, fmcUuid)}; every line of one FAILED_PUSH names the same FMC`,
        { file, line: entry.line, step: 'parse' },
      );
    }
    entries.push(entry);
  });
  return Object.freeze({ entries: Object.freeze(entries), devices: groupDevices(entries, file), fmcUuid });
}

/**
 * Writes FAILED_PUSH lines in generate_certs.pl's format, one line per file, fields separated
 * by one space. `formatFailedPush(parseFailedPush(text).entries)` gives back a file the vendor wrote.
 *
 * @param records - the lines to write
 * @throws SftunnelCaError `INVALID_ARGUMENT` when a field is empty or contains white space
 *
 * @example
 * ```ts
 * const remaining = failed.entries.filter((e) => e.deviceName !== 'BSNS-1120-1');
 * await fmc.writeFileAtomic(path, formatFailedPush(remaining));
 * ```
 */
export function formatFailedPush(records: readonly FailedPushRecord[]): string {
  return records
    .map((r) => {
      const fields = [r.deviceUuid, r.deviceName, r.deviceAddress, r.sourcePath, r.destinationPath];
      if (fields.some((f) => !/^\S+$/.test(f))) {
        throw new SftunnelCaError('INVALID_ARGUMENT', `a FAILED_PUSH field must be one word without white space; device ${JSON.stringify(r.deviceName)} has one that is not`);
      }
      return `${fields.join(' ')}\n`;
    })
    .join('');
}

/**
 * The newest generate_certs.pl run of a listing of `/var/tmp/certs` (the names of its
 * entries, as `Host.list` returns them). Names that are not a unix time are ignored.
 *
 * @param names - the directory's entries
 * @param layout - where FAILED_PUSH lives. Default {@link DEFAULT_APPLIANCE_LAYOUT}
 * @returns the newest run's FAILED_PUSH path, or `undefined` when there is no run
 *
 * @example
 * ```ts
 * const newest = findNewestFailedPush(await fmc.list('/var/tmp/certs')); // e.g. ['1767225600', '1767312000']
 * if (newest !== undefined) {
 *   const failed = parseFailedPush(new TextDecoder().decode(await fmc.readFile(newest.path)), { file: newest.path });
 * }
 * ```
 */
export function findNewestFailedPush(names: readonly string[], layout: ApplianceLayout = DEFAULT_APPLIANCE_LAYOUT): FailedPushLocation | undefined {
  const times = names.filter((n) => /^\d{1,15}$/.test(n)).map(Number);
  if (times.length === 0) return undefined;
  const unixTime = Math.max(...times);
  return Object.freeze({ unixTime, path: failedPushPath(layout, unixTime) });
}

function parseLine(raw: string, line: number, file: string, layout: ApplianceLayout): FailedPushEntry {
  const fields = [...raw.matchAll(/\S+/g)];
  const where = (field: number): { file: string; line: number; column: number; step: string } => ({
    file,
    line,
    column: (fields[field]?.index ?? 0) + 1,
    step: 'parse',
  });
  const [uuid, name, address, source, destination] = fields.map((f) => f[0]);
  if (fields.length !== 5 || uuid === undefined || name === undefined || address === undefined || source === undefined || destination === undefined) {
    throw new SftunnelCaError('FAILED_PUSH_SYNTAX', `a FAILED_PUSH line has 5 fields (${FIELDS}); this one has ${fields.length}`, { file, line, step: 'parse' });
  }
  if (!isUuid(uuid)) throw new SftunnelCaError('FAILED_PUSH_SYNTAX', `${JSON.stringify(uuid)} is not a device UUID`, where(0));
  if (!isIpAddress(address)) throw new SftunnelCaError('FAILED_PUSH_SYNTAX', `${JSON.stringify(address)} is not an IPv4 or IPv6 address`, where(2));

  const normalizedSourcePath = safePath(source, 'source', where(3));
  const normalizedDestinationPath = safePath(destination, 'destination', where(4));
  const fileName = posix.basename(normalizedDestinationPath);
  const peerDirectory = posix.dirname(normalizedDestinationPath);
  const peerUuid = posix.basename(peerDirectory);
  const role = (Object.keys(layout.peerFiles) as PeerFileRole[]).find((r) => layout.peerFiles[r] === fileName);
  if (role === undefined || normalizedDestinationPath.endsWith('/') || !isUuid(peerUuid) || posix.dirname(peerDirectory) !== layout.ftd.peersDirectory) {
    throw new SftunnelCaError(
      'FAILED_PUSH_UNSAFE_PATH',
      `the destination ${JSON.stringify(destination)} is not ${layout.ftd.peersDirectory}/<FMC-UUID>/ followed by ${Object.values(layout.peerFiles).join(', ')}`,
      where(4),
    );
  }
  if (posix.basename(normalizedSourcePath) !== fileName) {
    throw new SftunnelCaError('FAILED_PUSH_UNSAFE_PATH', `the source ${JSON.stringify(source)} would be delivered as ${fileName}; a line copies a file to its namesake`, where(3));
  }
  return Object.freeze({
    line,
    deviceUuid: uuid,
    deviceName: name,
    deviceAddress: address,
    sourcePath: source,
    destinationPath: destination,
    normalizedSourcePath,
    normalizedDestinationPath,
    role,
    peerUuid,
  });
}

/** The normalised form of an absolute path without `..`, else a coded error. */
function safePath(path: string, which: string, where: { file: string; line: number; column: number; step: string }): string {
  if (!path.startsWith('/') || path.split('/').includes('..')) {
    throw new SftunnelCaError('FAILED_PUSH_UNSAFE_PATH', `the ${which} path ${JSON.stringify(path)} must be absolute and must not contain ..`, where);
  }
  return posix.normalize(path);
}

function groupDevices(entries: readonly FailedPushEntry[], file: string): readonly FailedPushDevice[] {
  const byUuid = new Map<string, FailedPushEntry[]>();
  for (const entry of entries) {
    const key = entry.deviceUuid.toLowerCase();
    const group = byUuid.get(key) ?? [];
    const first = group[0];
    if (first !== undefined && (first.deviceName !== entry.deviceName || first.deviceAddress !== entry.deviceAddress)) {
      throw new SftunnelCaError(
        'FAILED_PUSH_SYNTAX',
        `device ${entry.deviceUuid} is ${entry.deviceName} ${entry.deviceAddress} here but ${first.deviceName} ${first.deviceAddress} on line ${first.line}`,
        { file, line: entry.line, step: 'parse' },
      );
    }
    const twin = group.find((e) => e.role === entry.role);
    if (twin !== undefined) {
      throw new SftunnelCaError('FAILED_PUSH_SYNTAX', `device ${entry.deviceName} lists ${posix.basename(entry.normalizedDestinationPath)} twice (also on line ${twin.line})`, {
        file,
        line: entry.line,
        step: 'parse',
      });
    }
    group.push(entry);
    byUuid.set(key, group);
  }
  return Object.freeze(
    [...byUuid.values()].map((group) => {
      const [first] = group as [FailedPushEntry, ...FailedPushEntry[]];
      const files = Object.freeze(Object.fromEntries(group.map((e) => [e.role, e])));
      return Object.freeze({
        uuid: first.deviceUuid,
        name: first.deviceName,
        address: first.deviceAddress,
        entries: Object.freeze(group),
        files,
        complete: group.length === 3,
      });
    }),
  );
}
