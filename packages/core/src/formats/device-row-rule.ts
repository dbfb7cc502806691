import { isHostAddress } from '../identity/network-address.js';

/** The fields of an inventory row that are printed (names, addresses, users, paths): shown on terminals and in results. */
export type PrintedDeviceField = 'name' | 'address' | 'user' | 'keyFile' | 'jumpHost' | 'role';

/** A device row's printed fields as read from an inventory, before they are trusted. */
export type PrintedDeviceFields = Readonly<Partial<Record<PrintedDeviceField, string | undefined>>>;

/** Why {@link deviceRowProblem} refuses a row: the field, and what is wrong with it (never its value). */
export interface DeviceRowProblem {
  /** The field at fault. */
  readonly field: PrintedDeviceField;
  /** What the rule refused: a control character, the row's password as its address (cells shifted), or an address that is no address. */
  readonly reason: 'control-character' | 'password' | 'not-an-address';
  /** What is wrong, as the end of a sentence that starts with the field (e.g. `holds neither an IP address nor a host name`). */
  readonly problem: string;
}

const PRINTED_FIELDS: readonly PrintedDeviceField[] = ['name', 'address', 'user', 'keyFile', 'jumpHost', 'role'];

/** C0 and C1 controls, DEL and the bidirectional controls: characters a terminal acts on rather than shows. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * The rule every inventory format (devices.csv, YAML, JSON) applies to a device's row: no printed
 * field may hold a control character (escape sequences in a name would act on the terminal that
 * shows it), and the address must be an IP address or a host name and never the row's password
 * cell (cells shifted by one column: an address is looked up in DNS, connected to and printed).
 * A password reached through `env:` or `file:` is compared once resolved, by the CLI.
 *
 * @param fields - the row's printed fields, as read
 * @param passwordCell - the row's password cell as written (inline, `env:…`, `file:…` or empty)
 * @returns the first problem, or `undefined` when the row may be used
 *
 * @example
 * ```ts
 * deviceRowProblem({ name: 'FTD-1', address: 's3cret!' }, 's3cret!');
 * // { field: 'address', reason: 'password', problem: "holds this row's password: the cells look shifted" }
 * ```
 */
export function deviceRowProblem(fields: PrintedDeviceFields, passwordCell: string): DeviceRowProblem | undefined {
  for (const field of PRINTED_FIELDS) {
    const text = fields[field] ?? '';
    const at = text.search(CONTROL_CHARACTER);
    if (at !== -1) {
      const code = (text.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      return { field, reason: 'control-character', problem: `holds a control character (U+${code} at character ${at + 1}), which would act on the terminal that shows it; remove it (is this file the inventory?)` };
    }
  }
  const address = fields.address ?? '';
  if (passwordCell !== '' && address === passwordCell) return { field: 'address', reason: 'password', problem: "holds this row's password: the cells look shifted" };
  if (!isHostAddress(address)) return { field: 'address', reason: 'not-an-address', problem: 'holds neither an IP address nor a host name' };
  return undefined;
}
