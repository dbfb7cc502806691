import { createHash, createHmac, randomBytes } from 'node:crypto';
import { SftunnelCaError } from '@sftunnel-ca/core';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostsEntry {
  /** 1-based line number in the file. */
  readonly line: number;
  /** `@revoked` (the key is refused for every host it names) or `@cert-authority` (not used here). */
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  /** Host patterns (`host`, `[host]:port`, `*.example`, `!host`); empty for a hashed entry. */
  readonly patterns: readonly string[];
  /** For a hashed (`|1|salt|hash`) entry: HMAC-SHA1 salt and hash. */
  readonly hashed:
    | {
        /** The HMAC key, decoded. */
        readonly salt: Buffer;
        /** HMAC-SHA1 of the host name, decoded. */
        readonly hash: Buffer;
      }
    | undefined;
  /** Key type as written, e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** The public key blob (the base64 field, decoded). */
  readonly key: Buffer;
}

/** What known_hosts says about a host's key, from {@link checkKnownHosts}. */
export type KnownHostsVerdict =
  | {
      /** The key is recorded for the host. */
      readonly status: 'known';
      /** The line that records it. */
      readonly line: number;
    }
  | {
      /** Nothing is recorded for the host with this key type. */
      readonly status: 'unknown';
    }
  | {
      /** Another key of the same type is recorded for the host. */
      readonly status: 'mismatch';
      /** Fingerprints of the recorded keys. */
      readonly expected: readonly string[];
      /** Their lines. */
      readonly lines: readonly number[];
    }
  | {
      /** The key is listed `@revoked`. */
      readonly status: 'revoked';
      /** The `@revoked` line. */
      readonly line: number;
    };

/**
 * Parses the text of an OpenSSH known_hosts file: plain and hashed host fields, `[host]:port`,
 * wildcards and negation, `@revoked` and `@cert-authority` markers. Comments and blank lines
 * are skipped. Pure: no file system.
 *
 * @param source - the file name for error messages
 * @throws SftunnelCaError `KNOWN_HOSTS_INVALID` naming the line
 *
 * @example
 * ```ts
 * const entries = parseKnownHosts(await readFile('/home/ops/.ssh/known_hosts', 'utf8'), 'known_hosts');
 * checkKnownHosts(entries, '192.0.2.21', 22, presentedKey).status; // 'known', 'unknown', 'mismatch' or 'revoked'
 * ```
 */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0]?.startsWith('@') === true) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else throw invalid(`unknown marker ${name ?? ''}`, source, lineNumber);
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) {
      throw invalid('expected "hosts key-type base64-key"', source, lineNumber);
    }
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length === 0 || readKeyType(key) !== keyType) {
      throw invalid(`the key does not decode as ${keyType}`, source, lineNumber);
    }
    let hashed: KnownHostsEntry['hashed'];
    let patterns: string[] = [];
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (salt === undefined || hash === undefined) throw invalid('malformed hashed host', source, lineNumber);
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      patterns = hosts.split(',').filter((pattern) => pattern !== '');
    }
    entries.push({ line: lineNumber, marker, patterns, hashed, keyType, key });
  });
  return entries;
}

/**
 * The name known_hosts records a host under: `host` on port 22, `[host]:port` otherwise.
 */
export function knownHostName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/** Whether an entry names the host (`host` or `[host]:port`, see {@link knownHostName}). */
export function entryMatchesHost(entry: KnownHostsEntry, name: string): boolean {
  if (entry.hashed !== undefined) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (wildcardMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * Checks a presented host key against parsed known_hosts entries, as OpenSSH does: a key
 * listed `@revoked` is refused; a key recorded for the host is known; another key of the
 * same type recorded for the host is a mismatch; otherwise the host is unknown.
 *
 * @param key - the public key blob the server presented
 *
 * @example
 * ```ts
 * const verdict = checkKnownHosts(parseKnownHosts(text), 'ftd-1.example.net', 22, presentedKey);
 * if (verdict.status === 'mismatch') console.error(`host key changed (known_hosts line ${verdict.line})`);
 * ```
 */
export function checkKnownHosts(entries: readonly KnownHostsEntry[], host: string, port: number, key: Buffer): KnownHostsVerdict {
  const name = knownHostName(host, port);
  const keyType = readKeyType(key);
  const forHost = entries.filter((entry) => entryMatchesHost(entry, name));
  const revoked = entries.find((entry) => entry.marker === 'revoked' && entry.key.equals(key));
  if (revoked !== undefined) return { status: 'revoked', line: revoked.line };
  const plain = forHost.filter((entry) => entry.marker === undefined);
  const same = plain.find((entry) => entry.key.equals(key));
  if (same !== undefined) return { status: 'known', line: same.line };
  const sameType = plain.filter((entry) => entry.keyType === keyType);
  if (sameType.length > 0) {
    return {
      status: 'mismatch',
      expected: sameType.map((entry) => fingerprintSha256(entry.key)),
      lines: sameType.map((entry) => entry.line),
    };
  }
  return { status: 'unknown' };
}

/** The key types known_hosts records for a host, to prefer them in the key exchange. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entries
    .filter((entry) => entry.marker === undefined && entryMatchesHost(entry, name))
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** A host as known_hosts records it: its address, SSH port and public key line (`ssh-ed25519 AAAA…`), e.g. a lab appliance. */
export interface KnownHost {
  /** Its address. */
  readonly address: string;
  /** Its SSH port. */
  readonly sshPort: number;
  /** Its host public key, as an OpenSSH public key line. */
  readonly hostPublicKey: string;
}

/**
 * The text of a known_hosts file that trusts exactly `hosts`, one plain line each (newline-terminated).
 *
 * @example
 * ```ts
 * await writeFile('known_hosts', formatKnownHosts(lab.appliances), { mode: 0o600 });
 * ```
 */
export function formatKnownHosts(hosts: readonly KnownHost[]): string {
  return hosts.map((host) => `${formatKnownHostsLine(host.address, host.sshPort, Buffer.from(host.hostPublicKey.split(' ')[1] ?? '', 'base64'))}\n`).join('');
}

/**
 * A known_hosts line for a host key, plain (`[host]:port type key`) or hashed (`|1|salt|hash …`)
 * like `ssh-keygen -H`.
 *
 * @param options - `hashed` for a hashed line; `random`, the salt source (default `crypto.randomBytes`)
 *
 * @example
 * ```ts
 * await appendFile('known_hosts', formatKnownHostsLine('192.0.2.21', 22, presentedKey, { hashed: true }));
 * ```
 */
export function formatKnownHostsLine(
  host: string,
  port: number,
  key: Buffer,
  options: { readonly hashed?: boolean; readonly random?: (size: number) => Buffer } = {},
): string {
  const name = knownHostName(host, port);
  let field = name;
  if (options.hashed === true) {
    const salt = (options.random ?? randomBytes)(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${field} ${readKeyType(key)} ${key.toString('base64')}`;
}

/**
 * The OpenSSH SHA256 fingerprint of a public key blob, e.g. `SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s`.
 *
 * @example
 * ```ts
 * // the same as `ssh-keygen -lf` prints for the key of a known_hosts line
 * fingerprintSha256(Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAI…', 'base64'));
 * ```
 */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of a public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function readKeyType(key: Buffer): string {
  if (key.length < 4) return '';
  const length = key.readUInt32BE(0);
  if (length > key.length - 4) return '';
  return key.subarray(4, 4 + length).toString('latin1');
}

function wildcardMatch(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(name);
}

function invalid(message: string, file: string, line: number): SftunnelCaError {
  return new SftunnelCaError('KNOWN_HOSTS_INVALID', `known_hosts line is invalid: ${message}`, { step: 'host-key', file, line });
}
