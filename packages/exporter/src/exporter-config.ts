import { isAbsolute, resolve } from 'node:path';
import { SftunnelCaError, isUuid, type DeviceIdentity } from '@sftunnel-ca/core';
import type { ShellStrategy } from '@sftunnel-ca/transport';
import { LineCounter, YAMLError, parse as parseYaml } from 'yaml';
import type { ExporterFmc } from './create-exporter.js';
import { DEFAULT_EXPORTER_PORT, type ExporterListenOptions } from './exporter-server.js';

/** A secret given by reference: `env:VAR` (an environment variable) or `file:PATH` (a file's first line, mode 0600). */
export type SecretReference = `env:${string}` | `file:${string}`;

/** One FMC of an {@link ExporterConfig}: where it is, how to log in, how to trust its host key. */
export interface ExporterFmcConfig extends ExporterFmc {
  /** Address or host name. */
  readonly address: string;
  /** SSH port; default 22. */
  readonly port: number;
  /** Login user (`root` for exec on the FMC, or an admin that reaches root). */
  readonly user: string;
  /** How commands reach root; default `auto`. */
  readonly strategy: ShellStrategy;
  /** The password, by reference. */
  readonly password: SecretReference | undefined;
  /** A private key file (mode 0600). */
  readonly identity: string | undefined;
  /** The key's passphrase, by reference. */
  readonly passphrase: SecretReference | undefined;
  /** The password `sudo` asks for (expert shells), by reference; default the password. */
  readonly sudoPassword: SecretReference | undefined;
  /** Use ssh-agent (`SSH_AUTH_SOCK`); default false. */
  readonly agent: boolean;
  /** OpenSSH known_hosts files; default `~/.ssh/known_hosts` when no fingerprint is pinned. */
  readonly knownHosts: readonly string[];
  /** Pinned host key fingerprints (`SHA256:…`). */
  readonly hostKeys: readonly string[];
  /** Connect deadline in ms; default 20000. */
  readonly connectTimeoutMs: number;
}

/** The standalone exporter's configuration, as {@link parseExporterConfig} reads it. Holds references to secrets, never secrets. */
export interface ExporterConfig {
  /** Where to listen; default `127.0.0.1:9817`. */
  readonly listen: Required<ExporterListenOptions>;
  /** Collection interval in ms; default 300000. */
  readonly intervalMs: number;
  /** Per-FMC deadline in ms; default `min(120000, intervalMs / 2)`. */
  readonly deadlineMs: number | undefined;
  /** Spread of the interval; default 0.1. */
  readonly jitter: number;
  /** FMCs read at once; default 8. */
  readonly concurrency: number;
  /** The FMCs. */
  readonly fmcs: readonly ExporterFmcConfig[];
}

const TOP_KEYS = ['listen', 'intervalSeconds', 'deadlineSeconds', 'jitter', 'concurrency', 'fmcs'];
const FMC_KEYS = [
  'name', 'address', 'port', 'user', 'strategy', 'password', 'identity', 'passphrase', 'sudoPassword', 'agent',
  'knownHosts', 'hostKey', 'connectTimeoutSeconds', 'inventory', 'tunnelStatusCommand',
];
const STRATEGIES: readonly ShellStrategy[] = ['auto', 'direct', 'expert'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Options of {@link parseExporterConfig}. */
export interface ParseExporterConfigOptions {
  /** The file's path: named in errors, and relative paths in the file are relative to its directory. */
  readonly file?: string;
}

/**
 * Reads the standalone exporter's configuration (YAML, or JSON, which is YAML). Pure: no file
 * is read and no secret resolved; paths are made absolute against the file's directory.
 *
 * ```yaml
 * listen: 127.0.0.1:9817          # loopback by default
 * intervalSeconds: 300
 * deadlineSeconds: 120            # per FMC, at most the interval
 * fmcs:
 *   - name: fmc-paris             # the `fmc` label
 *     address: 192.0.2.10
 *     user: root
 *     password: file:fmc-paris.password   # or env:FMC_PARIS_PASSWORD; never inline
 *     knownHosts: [known_hosts]          # or hostKey: SHA256:…
 * ```
 *
 * @param text - the file's content
 * @param options - the file's path
 * @throws SftunnelCaError `EXPORTER_CONFIG_INVALID` naming the field
 *
 * @example
 * ```ts
 * const config = parseExporterConfig(await readFile('exporter.yml', 'utf8'), { file: 'exporter.yml' });
 * ```
 */
export function parseExporterConfig(text: string, options: ParseExporterConfigOptions = {}): ExporterConfig {
  const file = options.file;
  const base = file === undefined ? process.cwd() : resolve(file, '..');
  const fail = (field: string, problem: string): never => {
    throw new SftunnelCaError('EXPORTER_CONFIG_INVALID', `${field}: ${problem}`, { step: 'config', ...(file === undefined ? {} : { file }) });
  };
  let document: unknown;
  const lineCounter = new LineCounter();
  try {
    // logLevel 'error', not 'warn': an embedding service's stderr gets no YAMLWarning for an odd tag.
    // prettyErrors off: yaml would quote the offending line, which may hold a secret written inline.
    document = parseYaml(text, { logLevel: 'error', prettyErrors: false, lineCounter });
  } catch (cause) {
    const at = cause instanceof YAMLError ? lineCounter.linePos(cause.pos[0]) : undefined;
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
    throw new SftunnelCaError('EXPORTER_CONFIG_INVALID', `not YAML or JSON${where}: ${(cause as Error).message}`, { step: 'config', cause, ...(file === undefined ? {} : { file }) });
  }
  const top = record(document, '(top level)', TOP_KEYS, fail);
  const intervalSeconds = numberIn(top['intervalSeconds'], 'intervalSeconds', 1, 86_400, 300, fail);
  const deadlineSeconds = top['deadlineSeconds'] === undefined ? undefined : numberIn(top['deadlineSeconds'], 'deadlineSeconds', 0.1, intervalSeconds, 0, fail);
  const fmcList = top['fmcs'];
  if (!Array.isArray(fmcList) || fmcList.length === 0) fail('fmcs', 'a non-empty list of FMCs is required');
  const fmcs = (fmcList as unknown[]).map((entry, i) => fmcConfig(entry, `fmcs[${i}]`, base, fail));
  const names = fmcs.map((f) => f.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) fail('fmcs', `the name ${JSON.stringify(duplicate)} is used twice; names label the series and must be unique`);
  return {
    listen: listenOf(top['listen'], fail),
    intervalMs: intervalSeconds * 1000,
    deadlineMs: deadlineSeconds === undefined ? undefined : deadlineSeconds * 1000,
    jitter: numberIn(top['jitter'], 'jitter', 0, 0.5, 0.1, fail),
    concurrency: Math.floor(numberIn(top['concurrency'], 'concurrency', 1, 256, 8, fail)),
    fmcs,
  };
}

type Fail = (field: string, problem: string) => never;

function fmcConfig(entry: unknown, at: string, base: string, fail: Fail): ExporterFmcConfig {
  const fmc = record(entry, at, FMC_KEYS, fail);
  const path = (value: string): string => (isAbsolute(value) ? value : resolve(base, value));
  const name = text(fmc['name'], `${at}.name`, fail);
  const strategy = fmc['strategy'] ?? 'auto';
  if (!STRATEGIES.includes(strategy as ShellStrategy)) fail(`${at}.strategy`, `one of ${STRATEGIES.join(', ')}`);
  const hostKeys = list(fmc['hostKey'], `${at}.hostKey`, fail);
  const bad = hostKeys.find((key) => !FINGERPRINT.test(key));
  if (bad !== undefined) fail(`${at}.hostKey`, `a fingerprint is SHA256:<43 base64 characters>, as ssh-keygen -lf prints it; got ${shapeOf(bad)}`);
  const identity = optionalText(fmc['identity'], `${at}.identity`, fail);
  const agent = fmc['agent'] ?? false;
  if (typeof agent !== 'boolean') fail(`${at}.agent`, 'true or false');
  const password = reference(fmc['password'], `${at}.password`, path, fail);
  if (password === undefined && identity === undefined && agent !== true) fail(at, 'give a password (env:VAR or file:PATH), an identity file, or agent: true');
  const tunnelStatusCommand = optionalText(fmc['tunnelStatusCommand'], `${at}.tunnelStatusCommand`, fail);
  return {
    name,
    address: text(fmc['address'], `${at}.address`, fail),
    port: Math.floor(numberIn(fmc['port'], `${at}.port`, 1, 65_535, 22, fail)),
    user: text(fmc['user'], `${at}.user`, fail),
    strategy: strategy as ShellStrategy,
    password,
    identity: identity === undefined ? undefined : path(identity),
    passphrase: reference(fmc['passphrase'], `${at}.passphrase`, path, fail),
    sudoPassword: reference(fmc['sudoPassword'], `${at}.sudoPassword`, path, fail),
    agent: agent as boolean,
    knownHosts: list(fmc['knownHosts'], `${at}.knownHosts`, fail).map(path),
    hostKeys,
    connectTimeoutMs: numberIn(fmc['connectTimeoutSeconds'], `${at}.connectTimeoutSeconds`, 0.1, 600, 20, fail) * 1000,
    ...(fmc['inventory'] === undefined ? {} : { inventory: inventoryOf(fmc['inventory'], `${at}.inventory`, fail) }),
    ...(tunnelStatusCommand === undefined ? {} : { tunnelStatusCommand }),
  };
}

function listenOf(value: unknown, fail: Fail): Required<ExporterListenOptions> {
  if (value === undefined) return { host: '127.0.0.1', port: DEFAULT_EXPORTER_PORT };
  const match = typeof value === 'string' ? /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(value) : null;
  const port = Number(match?.[2]);
  if (match === null || !(port >= 0 && port <= 65_535)) return fail('listen', `host:port, e.g. 127.0.0.1:${DEFAULT_EXPORTER_PORT} or [::1]:${DEFAULT_EXPORTER_PORT}; got ${shapeOf(value)}`);
  return { host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
}

function inventoryOf(value: unknown, at: string, fail: Fail): Record<string, DeviceIdentity> {
  const entries = Object.entries(record(value, at, undefined, fail));
  return Object.fromEntries(
    entries.map(([uuid, device]) => {
      if (!isUuid(uuid)) fail(`${at}`, `keys are device UUIDs; got ${JSON.stringify(uuid)}`);
      const fields = record(device, `${at}.${uuid}`, ['name', 'address'], fail);
      return [uuid, { name: text(fields['name'], `${at}.${uuid}.name`, fail), address: text(fields['address'], `${at}.${uuid}.address`, fail) }];
    }),
  );
}

function record(value: unknown, at: string, keys: readonly string[] | undefined, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(at, 'a mapping of keys to values is expected');
  const unknown = keys === undefined ? undefined : Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) fail(at, `unknown key ${JSON.stringify(unknown)} (known: ${keys?.join(', ')})`);
  return value as Record<string, unknown>;
}

function text(value: unknown, at: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(at, 'a non-empty string is required');
  return value;
}

function optionalText(value: unknown, at: string, fail: Fail): string | undefined {
  return value === undefined ? undefined : text(value, at, fail);
}

function list(value: unknown, at: string, fail: Fail): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((item, i) => text(item, `${at}[${i}]`, fail));
}

function numberIn(value: unknown, at: string, min: number, max: number, fallback: number, fail: Fail): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min && value <= max)) return fail(at, `a number from ${min} to ${max}; got ${shapeOf(value)}`);
  return value;
}

/**
 * A refused value, for an error message, without any of its text: a secret put in the wrong field
 * (a password as a host key, a port or the listen address) must not reach the message. Numbers,
 * booleans and null are shown; names and keys, which label the metrics, are quoted where they are refused.
 */
function shapeOf(value: unknown): string {
  if (typeof value === 'string') return `text of ${value.length} character${value.length === 1 ? '' : 's'} (not shown)`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** A secret reference, its file path made absolute. A value that is neither `env:` nor `file:` is an inline secret: refused, never echoed. */
function reference(value: unknown, at: string, path: (p: string) => string, fail: Fail): SecretReference | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value as SecretReference;
  if (typeof value === 'string' && value.startsWith('file:') && value.length > 5) return `file:${path(value.slice(5))}`;
  return fail(at, 'secrets are given by reference only: env:VAR or file:PATH (mode 0600); an inline value is refused and not shown');
}
