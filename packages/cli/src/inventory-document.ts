import { DevicePassword, SftunnelCaError, deviceRowProblem, isSftunnelCaError, type DeviceRole, type DeviceRow } from '@sftunnel-ca/core';
import type { SshHostOptions } from '@sftunnel-ca/transport';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { PROMPT_OPTIONS, compilePromptPattern, parseDurationMs } from './ssh-options.js';

/** The keys a device of a YAML or JSON inventory may have, and whether each is required. */
const FIELDS: Readonly<Record<string, { readonly required: boolean; readonly type: 'string' | 'port' | 'duration' | 'pattern' }>> = {
  name: { required: true, type: 'string' },
  address: { required: true, type: 'string' },
  user: { required: true, type: 'string' },
  password: { required: false, type: 'string' },
  port: { required: false, type: 'port' },
  keyFile: { required: false, type: 'string' },
  jumpHost: { required: false, type: 'string' },
  role: { required: false, type: 'string' },
  loginTimeout: { required: false, type: 'duration' },
  idleTimeout: { required: false, type: 'duration' },
  commandTimeout: { required: false, type: 'duration' },
  promptSettle: { required: false, type: 'duration' },
  cliPrompt: { required: false, type: 'pattern' },
  shellPrompt: { required: false, type: 'pattern' },
  rootPrompt: { required: false, type: 'pattern' },
  passwordPrompt: { required: false, type: 'pattern' },
};

/**
 * A device's own login settings from a YAML or JSON inventory, overriding the run's
 * (`--login-timeout`, `--idle-timeout`, `--command-timeout`, `--prompt-settle`, `--cli-prompt`…).
 */
export type InventorySshSettings = Pick<SshHostOptions, 'loginTimeoutMs' | 'idleTimeoutMs' | 'operationTimeoutMs' | 'promptSettleMs' | 'prompts'>;

/** An inventory row, with its own login settings when the inventory gives some. */
export interface InventoryRow extends DeviceRow {
  /** Present only when the row sets a timeout or a prompt pattern. */
  readonly ssh?: InventorySshSettings;
}

/**
 * The login settings an inventory row carries (none for a devices.csv row), to spread over the
 * run's when connecting to it; prompt patterns merge with the run's, one by one.
 *
 * @param row - a row from {@link parseInventoryDocument} or a devices.csv
 * @param shared - the run's prompt patterns, if any
 */
export function inventorySshSettings(row: DeviceRow, shared?: SshHostOptions['prompts']): InventorySshSettings {
  const own = (row as InventoryRow).ssh;
  if (own === undefined) return {};
  return { ...own, ...(own.prompts === undefined ? {} : { prompts: { ...shared, ...own.prompts } }) };
}
const ROLES: readonly DeviceRole[] = ['fmc', 'ftd', 'ha-peer'];

/**
 * Whether an inventory file is read as YAML or JSON ({@link parseInventoryDocument}), by its
 * extension (`.yaml`, `.yml`, `.json`), rather than as a devices.csv.
 *
 * @param path - the inventory's path
 */
export function isInventoryDocumentPath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

/**
 * Reads a YAML (or JSON, a subset of YAML) inventory into the rows a devices.csv gives: a list of
 * devices, or a map with a `devices` list. Each device has `name`, `address`, `user`, and
 * optionally `password` (`env:VAR` or `file:PATH` only: an inline password is refused), `port`,
 * `keyFile`, `jumpHost` and `role`, and its own login settings over the run's: `loginTimeout`,
 * `idleTimeout`, `commandTimeout`, `promptSettle` (`45s`, `1500ms`, or milliseconds) and
 * `cliPrompt`, `shellPrompt`, `rootPrompt`, `passwordPrompt` (regular expressions), read back
 * with {@link inventorySshSettings}. A row meets the rule a devices.csv row meets (`deviceRowProblem`):
 * its address is an IP address or a host name, and no printed field holds a control character.
 * Errors name the file and line and never echo a value.
 *
 * @param text - the file's content
 * @param file - its path, for errors
 * @throws SftunnelCaError `INVENTORY_INVALID`
 *
 * @example
 * ```ts
 * parseInventoryDocument('devices:\n  - { name: FTD-1, address: 192.0.2.11, user: admin, password: env:FTD_PASSWORD }\n', 'inventory.yaml');
 * ```
 */
export function parseInventoryDocument(text: string, file: string): readonly InventoryRow[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: { range?: readonly number[] | null } | null | undefined): number | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const fail = (message: string, node?: Node | null, line?: number): never => {
    const at = line ?? lineOf(node);
    throw new SftunnelCaError('INVENTORY_INVALID', message, { file, step: 'inventory', ...(at === undefined ? {} : { line: at }) });
  };
  const syntax = document.errors[0];
  if (syntax !== undefined) fail(`not valid YAML or JSON (${syntax.code})`, undefined, lineCounter.linePos(syntax.pos[0]).line);
  const root = document.contents;
  const list = isMap(root) ? root.get('devices', true) : root;
  if (!isSeq(list)) return fail('expected a list of devices, or a map with a `devices` list', isMap(root) ? root : null, 1);
  const rows: InventoryRow[] = [];
  for (const item of list.items) {
    const device = isMap(item) ? item : fail('each device is a map of name, address, user, password…', item as Node);
    const line = lineOf(device) ?? 1;
    const values: Record<string, string | number> = {};
    for (const pair of device.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const spec = FIELDS[key];
      if (spec === undefined) fail(`unknown key ${JSON.stringify(key)}; a device has ${Object.keys(FIELDS).join(', ')}`, pair.key as Node);
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      const ok =
        spec?.type === 'port'
          ? Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
          : spec?.type === 'duration'
            ? (typeof value === 'string' || typeof value === 'number') && parseDurationMs(value) !== undefined
            : spec?.type === 'pattern'
              ? typeof value === 'string' && compilePromptPattern(value) !== undefined
              : typeof value === 'string' && value !== '';
      const expected = {
        port: 'a port number from 1 to 65535',
        duration: 'a duration such as 45s or 1500ms (a bare number is milliseconds)',
        pattern: 'a regular expression that compiles',
        string: 'a non-empty string',
      }[spec?.type ?? 'string'];
      if (!ok) fail(`${key} must be ${expected}`, (pair.value ?? pair.key) as Node);
      values[key] = value as string | number;
    }
    const missing = Object.entries(FIELDS).find(([key, spec]) => spec.required && values[key] === undefined)?.[0];
    if (missing !== undefined) fail(`this device has no ${missing}`, device);
    rows.push(toRow(values, line, file, rows));
  }
  return Object.freeze(rows);
}

function toRow(values: Record<string, string | number>, line: number, file: string, earlier: readonly DeviceRow[]): InventoryRow {
  const where = { file, line, step: 'inventory' };
  const text = (key: string): string | undefined => (values[key] === undefined ? undefined : String(values[key]));
  const name = text('name') ?? '';
  const cell = text('password') ?? '';
  if (cell !== '' && !cell.startsWith('env:') && !cell.startsWith('file:')) {
    throw new SftunnelCaError('INVENTORY_INVALID', 'a password is written inline; give it as env:VAR or file:PATH (mode 0600), or leave it out to be asked', where);
  }
  const role = text('role');
  // The rule a devices.csv row meets too: printed fields free of control characters, an address that is an IP address or a host name and no password.
  const refused = deviceRowProblem({ name, address: text('address'), user: text('user'), keyFile: text('keyFile'), jumpHost: text('jumpHost'), role }, cell);
  if (refused !== undefined) throw new SftunnelCaError('INVENTORY_INVALID', `${refused.field} ${refused.problem}`, where);
  if (earlier.some((row) => row.name === name)) throw new SftunnelCaError('INVENTORY_INVALID', `${name} is listed twice; list each device once`, where);
  if (role !== undefined && !ROLES.includes(role as DeviceRole)) throw new SftunnelCaError('INVENTORY_INVALID', `role must be one of ${ROLES.join(', ')}`, where);
  let password: DevicePassword;
  try {
    password = DevicePassword.fromCell(cell, where);
  } catch (error) {
    if (!isSftunnelCaError(error)) throw error;
    throw new SftunnelCaError('INVENTORY_INVALID', error.message.replace(/ \(.*\)$/, ''), { ...where, cause: error });
  }
  return Object.freeze({
    line,
    name,
    address: text('address') ?? '',
    user: text('user') ?? '',
    password,
    port: typeof values.port === 'number' ? values.port : 22,
    keyFile: text('keyFile'),
    jumpHost: text('jumpHost'),
    role: role as DeviceRole | undefined,
    ...sshSettings(values),
  });
}

function sshSettings(values: Record<string, string | number>): { readonly ssh?: InventorySshSettings } {
  const ms = (key: string): number | undefined => (values[key] === undefined ? undefined : parseDurationMs(values[key]));
  const prompts: Record<string, RegExp> = {};
  for (const [field, key] of Object.entries(PROMPT_OPTIONS)) {
    const pattern = values[field] === undefined ? undefined : compilePromptPattern(String(values[field]));
    if (pattern !== undefined) prompts[key] = pattern;
  }
  const settings: Record<string, unknown> = {
    loginTimeoutMs: ms('loginTimeout'),
    idleTimeoutMs: ms('idleTimeout'),
    operationTimeoutMs: ms('commandTimeout'),
    promptSettleMs: ms('promptSettle'),
    prompts: Object.keys(prompts).length === 0 ? undefined : prompts,
  };
  const present = Object.entries(settings).filter(([, value]) => value !== undefined);
  return present.length === 0 ? {} : { ssh: Object.freeze(Object.fromEntries(present)) as InventorySshSettings };
}
