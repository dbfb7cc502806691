/**
 * A renewal through the CLI, as an operator runs it: the built `sftunnel-ca renew` binary against a
 * lab, devices from a devices.csv, every appliance trusted through a known_hosts, the expert path.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '@sftunnel-ca/lab';
import { formatKnownHosts } from '@sftunnel-ca/transport';

const BINARY = fileURLToPath(new URL('../packages/cli/bin/sftunnel-ca.js', import.meta.url));

/** What one CLI renewal measured. */
export interface CliRenewal {
  /** Spawn to exit of `sftunnel-ca renew`, in ms. */
  readonly wallMs: number;
  /** Its exit status (1 when some devices failed). */
  readonly exitCode: number;
  /** Devices by outcome, from its JSON output. */
  readonly counts: Readonly<Record<string, number>>;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ readonly stdout: string; readonly stderr: string; readonly code: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BINARY, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ stdout, stderr, code: error === null ? 0 : Number(error.code) });
    });
    child.stdin?.end();
  });
}

/**
 * Renews a lab with `sftunnel-ca renew --strategy expert --allow-unreachable --yes --json` (preflight,
 * keys, delivery, switch, verification: the CLI's one go), the password in a 0600 file and the host
 * keys in a known_hosts of the lab's, in a scratch directory removed afterwards.
 *
 * @param lab - the lab (this process's)
 * @param options - devices in flight and the connect timeout
 * @throws Error when the binary does not answer with its JSON document
 */
export async function renewThroughCli(lab: Lab, options: { readonly concurrency: number; readonly connectTimeoutMs: number }): Promise<CliRenewal> {
  const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-bench-cli-'));
  try {
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${lab.fmc.password}\n`, { mode: 0o600 });
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, formatKnownHosts(lab.appliances), { mode: 0o600 });
    const devicesCsv = join(dir, 'devices.csv');
    await writeFile(devicesCsv, lab.devicesCsv({ password: `file:${passwordFile}` }), { mode: 0o600 });
    const { fmc } = lab;
    const args = [
      'renew',
      ...['--fmc', `${fmc.username}@${fmc.address}:${fmc.sshPort}`, '--password-file', passwordFile, '--known-hosts', knownHosts, '--strategy', 'expert'],
      ...['--devices', devicesCsv, '--yes', '--allow-unreachable', '--json'],
      ...['--concurrency', String(options.concurrency), '--connect-timeout', String(options.connectTimeoutMs)],
    ];
    const start = performance.now();
    const outcome = await run(args, { SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined, XDG_STATE_HOME: dir });
    const wallMs = performance.now() - start;
    let counts: Record<string, number>;
    try {
      counts = (JSON.parse(outcome.stdout) as { result: { counts: Record<string, number> } }).result.counts;
    } catch {
      throw new Error(`sftunnel-ca renew exited ${outcome.code} without its JSON document: ${outcome.stderr.slice(-2000)}`);
    }
    return { wallMs, exitCode: outcome.code, counts };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
