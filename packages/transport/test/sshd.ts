import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** Loopback address to listen on; default `127.0.0.1`. */
  readonly address?: string;
  /** Extra sshd_config lines (e.g. `PasswordAuthentication no`). */
  readonly config?: readonly string[];
  /** Public keys allowed per user (authorized_keys lines). */
  readonly authorizedKeys?: Readonly<Record<string, readonly string[]>>;
}

/** A running OpenSSH sshd started by a test. */
export interface Sshd {
  readonly host: string;
  readonly port: number;
  /** Its temporary directory (config, host key, authorized keys). */
  readonly dir: string;
  /** Host public key line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string;
  /** Path of the host public key file. */
  readonly hostPublicKeyPath: string;
  /** `[host]:port ssh-ed25519 AAAA…`: a known_hosts line for this server. */
  readonly knownHostsLine: string;
  /** Kills every session (the per-connection sshd processes), leaving the listener up. */
  killSessions(): void;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a real OpenSSH `sshd` on a loopback address and a free port, with a temporary
 * config and a fresh ed25519 host key. Needs root (tests log in as several users).
 */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const host = options.address ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'sftca-sshd-'));
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  // sshd reads authorized_keys as the user logging in.
  chmodSync(dir, 0o755);
  const keysDir = join(dir, 'authorized_keys');
  mkdirSync(keysDir);
  for (const [user, keys] of Object.entries(options.authorizedKeys ?? {})) {
    writeFileSync(join(keysDir, user), `${keys.join('\n')}\n`);
  }
  const port = await freePort(host);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${keysDir}/%u`,
      'StrictModes no',
      'UsePAM yes',
      'PermitRootLogin prohibit-password',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'MaxStartups 64:30:128',
      'MaxSessions 64',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      ...(options.config ?? []),
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  await waitForBanner(host, port, child, () => log);
  const hostPublicKeyPath = `${hostKey}.pub`;
  const hostPublicKey = readFileSync(hostPublicKeyPath, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    host,
    port,
    dir,
    hostPublicKey,
    hostPublicKeyPath,
    knownHostsLine: `[${host}]:${port} ${hostPublicKey}`,
    killSessions() {
      // The listener's children are the per-connection sshd processes (read from /proc: no procps needed).
      for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        let stat: string;
        try {
          stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue;
        }
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (parent !== child.pid) continue;
        try {
          process.kill(Number(entry), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Generates an unencrypted ed25519 key pair with `ssh-keygen`: the private key text and the public line. */
export function generateClientKey(dir: string, name: string): { privateKey: string; publicKey: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/**
 * Generates an RSA key encrypted with a passphrase, in process (a passphrase never goes on a
 * command line): the PEM text and the public line for authorized_keys.
 */
export function generateEncryptedClientKey(passphrase: string): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) throw new Error('generated key does not parse');
  return { privateKey, publicKey: `${key.type} ${key.getPublicSSH().toString('base64')}` };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForBanner(host: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not answer on ${host}:${port}: ${log()}`);
}
