import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SftunnelCaError } from '@sftunnel-ca/core';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import {
  checkKnownHosts,
  fingerprintSha256,
  formatKnownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  readKeyType,
  type KnownHostsEntry,
} from './known-hosts.js';

/** How a host's key is trusted. Host keys are never trusted implicitly. */
export interface HostKeyOptions {
  /**
   * `strict` (default): refuse a host that is neither in known_hosts nor pinned.
   * `accept-new`: record an unknown host's key in the first known_hosts file and go on.
   * A changed key is refused under both.
   */
  readonly policy?: 'strict' | 'accept-new';
  /** OpenSSH known_hosts files to read; default `~/.ssh/known_hosts`. Missing files are empty. */
  readonly knownHostsFiles?: readonly string[];
  /**
   * Pinned fingerprints (`SHA256:<base64>`, as `ssh-keygen -lf` prints). When given, the key
   * must be one of them, whatever known_hosts says.
   */
  readonly fingerprints?: readonly string[];
  /** Record new keys hashed (`|1|…`, like `HashKnownHosts yes`); default `false`. */
  readonly hashNewEntries?: boolean;
}

/** The host being checked, for {@link verifyHostKey}. */
export interface HostKeyCheckParams {
  /** Address or name as connected to. */
  readonly host: string;
  /** SSH port. */
  readonly port: number;
  /** The public key blob the server presented. */
  readonly key: Buffer;
  /** The appliance named in errors (the final target's name, also for jump hops). */
  readonly label: string;
  /** Told when `accept-new` records a key. */
  readonly onRecorded?: (fingerprint: string, file: string) => void;
}

const PINNED = /^SHA256:[A-Za-z0-9+/]{43}$/;
const HOST_KEY_ALGORITHMS: Readonly<Record<string, readonly ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const appends = new Map<string, Promise<void>>();

/**
 * Verifies a server's host key against pinned fingerprints and known_hosts, following
 * {@link HostKeyOptions.policy}; records it under `accept-new`.
 *
 * @throws SftunnelCaError `HOST_KEY_MISMATCH` (with both fingerprints), `HOST_KEY_UNKNOWN`,
 * or `KNOWN_HOSTS_INVALID`
 */
export async function verifyHostKey(options: HostKeyOptions, params: HostKeyCheckParams): Promise<void> {
  const { host, port, key, label } = params;
  const where = { host: label, step: 'host-key' } as const;
  const presented = fingerprintSha256(key);
  const hop = `${host}:${port}`;
  const pins = options.fingerprints ?? [];
  for (const pin of pins) {
    if (!PINNED.test(pin)) {
      throw new SftunnelCaError('KNOWN_HOSTS_INVALID', `pinned fingerprint "${pin}" is not of the form SHA256:<43 base64 characters>`, where);
    }
  }
  if (pins.length > 0) {
    if (pins.includes(presented)) return;
    throw new SftunnelCaError(
      'HOST_KEY_MISMATCH',
      `host key of ${hop} is ${presented}, expected pinned ${pins.join(' or ')}`,
      where,
    );
  }
  const files = knownHostsFiles(options);
  const entries = await readAll(files);
  const verdict = checkKnownHosts(entries, host, port, key);
  switch (verdict.status) {
    case 'known':
      return;
    case 'revoked':
      throw new SftunnelCaError('HOST_KEY_MISMATCH', `host key of ${hop} ${presented} is marked @revoked in known_hosts`, where);
    case 'mismatch':
      throw new SftunnelCaError(
        'HOST_KEY_MISMATCH',
        `host key of ${hop} changed: it presented ${readKeyType(key)} ${presented}, known_hosts has ${verdict.expected.join(', ')}`,
        where,
      );
    case 'unknown': {
      const file = files[0];
      if (options.policy !== 'accept-new' || file === undefined) {
        throw new SftunnelCaError(
          'HOST_KEY_UNKNOWN',
          `host ${hop} is not in known_hosts (${files.join(', ')}); it presented ${readKeyType(key)} ${presented}`,
          where,
        );
      }
      await record(file, formatKnownHostsLine(host, port, key, { hashed: options.hashNewEntries === true }));
      params.onRecorded?.(presented, file);
    }
  }
}

/**
 * Host key algorithms to offer, those whose keys known_hosts holds for the host first, so
 * that a server with several host keys presents the recorded one (as OpenSSH does).
 */
export async function preferredHostKeyAlgorithms(
  options: HostKeyOptions,
  host: string,
  port: number,
): Promise<ServerHostKeyAlgorithm[]> {
  const known = knownKeyTypes(await readAll(knownHostsFiles(options)), host, port);
  const all = Object.values(HOST_KEY_ALGORITHMS).flat();
  const first = known.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
  return [...new Set([...first, ...all])];
}

function knownHostsFiles(options: HostKeyOptions): readonly string[] {
  return options.knownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts')];
}

async function readAll(files: readonly string[]): Promise<KnownHostsEntry[]> {
  const lists = await Promise.all(
    files.map(async (file) => {
      try {
        return parseKnownHosts(await readFile(file, 'utf8'), file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    }),
  );
  return lists.flat();
}

async function record(file: string, line: string): Promise<void> {
  const previous = appends.get(file) ?? Promise.resolve();
  const next = previous.then(async () => {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const before = await readFile(file, 'utf8').catch(() => '');
    const separator = before === '' || before.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${separator}${line}\n`, { mode: 0o600 });
  });
  appends.set(file, next.catch(() => undefined));
  await next;
}
