import { CsvError, parse } from 'csv-parse/sync';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { DevicePassword } from './device-password.js';
import { deviceRowProblem } from './device-row-rule.js';

/** What a devices.csv row is: the FMC, a managed device, or the HA peer FMC. */
export type DeviceRole = 'fmc' | 'ftd' | 'ha-peer';

/** One device of devices.csv. Its password never shows in `toString`, JSON or `util.inspect`. */
export interface DeviceRow {
  /** 1-based line of the row (the last line, for a row with a quoted line break). */
  readonly line: number;
  /** The device's name, as the copy log names it. */
  readonly name: string;
  /** Its IP address or host name. */
  readonly address: string;
  /** The admin user to log in as. */
  readonly user: string;
  /** The password, or a reference to it. */
  readonly password: DevicePassword;
  /** SSH port. Default 22. */
  readonly port: number;
  /** A private key file for SSH, when given. */
  readonly keyFile: string | undefined;
  /** A jump host (`[user@]host[:port]`) to reach the device through, when given. */
  readonly jumpHost: string | undefined;
  /** The row's role, when given; otherwise learned when connecting, as the vendor's script does. */
  readonly role: DeviceRole | undefined;
}

/** Options of {@link parseDevicesCsv}. */
export interface ParseDevicesCsvOptions {
  /** The file name to put in errors. Default `devices.csv`. */
  readonly file?: string;
}

/** Where the copy step runs: on the FMC itself, or on a jump server. */
export type CopyRunOrigin = 'fmc' | 'jump-server';

/** What the copy step does with one row. */
export interface CopyRunTarget {
  /** The device. */
  readonly row: DeviceRow;
  /** `copy`, or `skip-not-ha-peer` for an FMC row that is not the HA peer (the vendor's rule). */
  readonly action: 'copy' | 'skip-not-ha-peer';
}

/** The vendor's row rules applied to a devices.csv: {@link planCopyRun}. */
export interface CopyRunPlan {
  /** Where the copy runs. */
  readonly origin: CopyRunOrigin;
  /** From a jump server: the first row, the FMC whose certificates are copied. From the FMC: `undefined` (the local host). */
  readonly source: DeviceRow | undefined;
  /** The rows to connect to, in order. */
  readonly targets: readonly CopyRunTarget[];
}

type Column = 'name' | 'address' | 'user' | 'password' | 'port' | 'keyFile' | 'jumpHost' | 'role';

/** The vendor's four columns, then ours, in the order of a CSV without a header. */
const POSITIONAL: readonly Column[] = ['name', 'address', 'user', 'password', 'port', 'keyFile', 'jumpHost', 'role'];
const REQUIRED: readonly Column[] = ['name', 'address', 'user', 'password'];
const LABEL: Readonly<Record<Column, string>> = {
  name: 'name',
  address: 'ip',
  user: 'admin user',
  password: 'password',
  port: 'port',
  keyFile: 'key file',
  jumpHost: 'jump host',
  role: 'role',
};
/** Header cells, lower-cased without spaces, `_` and `-`, and the column each names. */
const HEADER_NAMES: ReadonlyMap<string, Column> = new Map([
  ...(['name', 'device', 'devicename'] as const).map((h) => [h, 'name'] as const),
  ...(['ip', 'ipaddress', 'address', 'host'] as const).map((h) => [h, 'address'] as const),
  ...(['adminuser', 'user', 'username', 'admin'] as const).map((h) => [h, 'user'] as const),
  ...(['password', 'pass'] as const).map((h) => [h, 'password'] as const),
  ['port', 'port'] as const,
  ...(['keyfile', 'key', 'identityfile'] as const).map((h) => [h, 'keyFile'] as const),
  ...(['jumphost', 'jump', 'proxyjump'] as const).map((h) => [h, 'jumpHost'] as const),
  ['role', 'role'] as const,
]);
const ROLES: readonly DeviceRole[] = ['fmc', 'ftd', 'ha-peer'];

/**
 * Reads a devices.csv: the vendor's `name, ip, admin user, password` rows without a header,
 * or any of the columns name, ip, admin user, password, port, key file, jump host and role
 * under a header row. Spaces around cells are dropped (quote a cell to keep them). A password
 * cell may hold the password, `env:VAR`, `file:PATH`, or nothing.
 *
 * Errors name the line and column and never echo a cell, so no password leaks into them. An ip
 * cell that equals the row's password cell (cells shifted by one) is refused: an address is looked
 * up, connected to and printed, so it must never be a secret. Cells that are printed (all but the
 * password) may hold no control character: escape sequences in a name would act on a terminal.
 *
 * @param text - the file's content
 * @param options - the file name for errors
 * @throws SftunnelCaError `DEVICES_CSV_MISSING_COLUMN`, `DEVICES_CSV_INVALID_VALUE` or `DEVICES_CSV_SYNTAX`
 *
 * @example
 * ```ts
 * const rows = parseDevicesCsv('FTDv,127.0.1.21,admin,env:FTD_PASSWORD\n');
 * rows[0]?.password.kind; // 'env'
 * ```
 */
export function parseDevicesCsv(text: string, options: ParseDevicesCsvOptions = {}): readonly DeviceRow[] {
  const file = options.file ?? 'devices.csv';
  const records = readRecords(text, file);
  const first = records[0];
  const header = first === undefined ? undefined : headerColumns(first.cells, first.line, file);
  const columns = header ?? POSITIONAL;
  const rows: DeviceRow[] = [];
  for (const record of header === undefined ? records : records.slice(1)) {
    const row = toRow(record, columns, header !== undefined, file);
    const twin = rows.find((r) => r.name === row.name);
    if (twin !== undefined) {
      throw new SftunnelCaError('DEVICES_CSV_SYNTAX', `the device of this row is already listed on line ${twin.line}; list each device once`, { file, line: row.line, step: 'parse' });
    }
    rows.push(row);
  }
  return Object.freeze(rows);
}

/**
 * Applies the vendor's row rules for a copy run. From a jump server the first row is the
 * FMC whose certificates are copied (the primary, or the secondary for its own devices) and
 * the others are its devices and the HA peer FMC; from the FMC every row is a target. A row
 * with role `fmc` among the targets is not the HA peer, so it is skipped with the vendor's
 * message (`<name> is not an HA-peer. Certificates will not be copied`).
 *
 * @param rows - the rows of {@link parseDevicesCsv}
 * @param origin - where the copy runs
 * @throws SftunnelCaError `DEVICES_CSV_SYNTAX` when a jump-server run has no rows or its first row is not an FMC
 *
 * @example
 * ```ts
 * const plan = planCopyRun(parseDevicesCsv(csv), 'jump-server');
 * plan.source?.name; // the FMC whose certificates are copied
 * plan.targets.filter((t) => t.action === 'copy').map((t) => t.row.name);
 * ```
 */
export function planCopyRun(rows: readonly DeviceRow[], origin: CopyRunOrigin): CopyRunPlan {
  let source: DeviceRow | undefined;
  let targets = rows;
  if (origin === 'jump-server') {
    [source, ...targets] = rows;
    if (source === undefined) throw new SftunnelCaError('DEVICES_CSV_SYNTAX', 'a jump-server run needs the FMC whose certificates are copied as its first row');
    if (source.role !== undefined && source.role !== 'fmc') {
      throw new SftunnelCaError('DEVICES_CSV_SYNTAX', `the first row of a jump-server run is the FMC whose certificates are copied, not a device of role ${source.role}`, { line: source.line });
    }
  }
  return Object.freeze({
    origin,
    source,
    targets: Object.freeze(targets.map((row) => Object.freeze({ row, action: row.role === 'fmc' ? 'skip-not-ha-peer' : 'copy' } as const))),
  });
}

/**
 * Writes a devices.csv that {@link parseDevicesCsv} reads back to the same rows: the vendor's
 * four columns without a header when no row has a port other than 22, a key file, a jump host
 * or a role; otherwise all eight columns in order. Cells are quoted where needed. Inline
 * passwords are written as they are: give the file mode 0600.
 *
 * @param rows - the devices
 * @throws SftunnelCaError `DEVICES_CSV_INVALID_VALUE` when a name, ip, user, key file or jump host
 *   starts with `=`, `+`, `-`, `@`, a tab or a carriage return (CSV injection: a spreadsheet would
 *   run it as a formula)
 *
 * @example
 * ```ts
 * const rows = parseDevicesCsv('FTD-1,192.0.2.21,admin,env:FTD_PASSWORD\n');
 * formatDevicesCsv(rows); // 'FTD-1,192.0.2.21,admin,env:FTD_PASSWORD\n'
 * ```
 */
export function formatDevicesCsv(rows: readonly DeviceRow[]): string {
  const vendor = rows.every((r) => r.port === 22 && r.keyFile === undefined && r.jumpHost === undefined && r.role === undefined);
  return rows
    .map((r) => {
      for (const [column, cell] of [['name', r.name], ['ip', r.address], ['user', r.user], ['key file', r.keyFile ?? ''], ['jump host', r.jumpHost ?? '']] as const) {
        if (FORMULA_START.test(cell)) {
          throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', `the ${column} ${JSON.stringify(cell)} starts with =, +, -, @, a tab or a carriage return: a spreadsheet opening the file would run it as a formula (CSV injection)`, { line: r.line, step: 'format' });
        }
      }
      const cells = [r.name, r.address, r.user, r.password.revealCsvCell()];
      if (!vendor) cells.push(String(r.port), r.keyFile ?? '', r.jumpHost ?? '', r.role ?? '');
      return `${cells.map(quoteCell).join(',')}\n`;
    })
    .join('');
}

/** How a cell a spreadsheet would read as a formula begins. */
const FORMULA_START = /^[=+\-@\t\r]/;

function quoteCell(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

interface CsvRecord {
  readonly cells: readonly string[];
  readonly line: number;
}

function readRecords(text: string, file: string): readonly CsvRecord[] {
  try {
    const parsed = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as readonly { readonly record: string[]; readonly info: { readonly lines: number } }[];
    return parsed.map(({ record, info }) => ({ cells: record, line: info.lines }));
  } catch (error) {
    // csv-parse's error carries the raw record, which may hold a password: keep only its
    // code and line, and do not pass it on as the cause.
    if (!(error instanceof CsvError)) throw error;
    const { lines } = error;
    throw new SftunnelCaError('DEVICES_CSV_SYNTAX', `devices.csv is not valid CSV (${error.code}); quote cells that contain commas, quotes or line breaks`, {
      file,
      step: 'parse',
      ...(typeof lines === 'number' ? { line: lines } : {}),
    });
  }
}

/** The columns a header row names, or `undefined` when the first row is a device. */
function headerColumns(cells: readonly string[], line: number, file: string): readonly Column[] | undefined {
  const columns = cells.map((c) => HEADER_NAMES.get(c.toLowerCase().replace(/[\s_-]/g, '')));
  if (!columns.includes('name') || columns.some((c) => c === undefined)) return undefined;
  const named = columns as Column[];
  const twice = named.find((c, i) => named.indexOf(c) !== i);
  if (twice !== undefined) throw new SftunnelCaError('DEVICES_CSV_SYNTAX', `the header names the column ${LABEL[twice]} twice`, { file, line, step: 'parse' });
  const missing = REQUIRED.filter((c) => !named.includes(c));
  if (missing.length > 0) {
    throw new SftunnelCaError('DEVICES_CSV_MISSING_COLUMN', `the header lacks the column(s) ${missing.map((c) => LABEL[c]).join(', ')}`, { file, line, step: 'parse' });
  }
  return named;
}

function toRow(record: CsvRecord, columns: readonly Column[], headed: boolean, file: string): DeviceRow {
  const { cells, line } = record;
  if (cells.length > columns.length) {
    const expected = headed ? `the ${columns.length} of the header` : `at most ${columns.length} (${POSITIONAL.map((c) => LABEL[c]).join(', ')})`;
    throw new SftunnelCaError('DEVICES_CSV_SYNTAX', `this row has ${cells.length} columns; expected ${expected}`, { file, line, step: 'parse' });
  }
  const cell = (column: Column): string | undefined => {
    const index = columns.indexOf(column);
    return index === -1 ? undefined : cells[index];
  };
  const where = (column: Column): { file: string; line: number; column: number; step: string } => ({ file, line, column: columns.indexOf(column) + 1, step: 'parse' });

  const needed = Math.max(...REQUIRED.map((c) => columns.indexOf(c))) + 1;
  if (cells.length < needed) {
    const names = columns.slice(0, needed).map((c) => LABEL[c]).join(', ');
    throw new SftunnelCaError('DEVICES_CSV_MISSING_COLUMN', `this row has ${cells.length} columns but needs at least ${needed} (${names})`, { file, line, step: 'parse' });
  }
  const empty = (['name', 'address', 'user'] as const).find((c) => cell(c) === '');
  if (empty !== undefined) throw new SftunnelCaError('DEVICES_CSV_MISSING_COLUMN', `the column ${LABEL[empty]} is empty`, where(empty));

  const address = cell('address') ?? '';
  const refused = deviceRowProblem({ name: cell('name'), address, user: cell('user'), keyFile: cell('keyFile'), jumpHost: cell('jumpHost'), role: cell('role') }, cell('password') ?? '');
  if (refused !== undefined) {
    const shifted = refused.reason === 'password' ? `; put them in the order ${REQUIRED.map((c) => LABEL[c]).join(', ')}` : '';
    throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', `the ${LABEL[refused.field]} column ${refused.problem}${shifted}`, where(refused.field));
  }
  const port = cell('port') || '22';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', 'the port column must be a number from 1 to 65535', where('port'));
  }
  const role = cell('role')?.toLowerCase() || undefined;
  if (role !== undefined && !ROLES.includes(role as DeviceRole)) {
    throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', `the role column must be one of ${ROLES.join(', ')}`, where('role'));
  }
  return Object.freeze({
    line,
    name: cell('name') ?? '',
    address,
    user: cell('user') ?? '',
    password: DevicePassword.fromCell(cell('password') ?? '', where('password')),
    port: Number(port),
    keyFile: cell('keyFile') || undefined,
    jumpHost: cell('jumpHost') || undefined,
    role: role as DeviceRole | undefined,
  });
}
