/**
 * Where the examples connect. Each example takes its target the way you would give it:
 *
 *   FMC_HOST      your FMC's address
 *   FMC_PORT      its SSH port (default 22)
 *   FMC_USER      the login user (default admin; the CLI → expert → sudo su shell is used)
 *   SFTUNNEL_CA_PASSWORD, or SFTUNNEL_CA_PASSWORD_FILE (a file of mode 0600): the password
 *   KNOWN_HOSTS   the OpenSSH known_hosts file that host keys are checked against (default ~/.ssh/known_hosts)
 *   argv[2]       a devices.csv, for the examples that reach devices: columns name, ip, user,
 *                 password (inline, env:VAR or file:PATH), port, role; the FMC first
 *
 * When neither FMC_HOST nor a devices.csv is given, {@link exampleTarget} starts a lab
 * (`@sftunnel-ca/lab`: an FMC and a few FTDs on loopback addresses, over real SSH and TLS) and
 * writes the same three files a user would have — a known_hosts, a 0600 password file and a devices.csv — so the example runs
 * unchanged: `npx tsx examples/check-expiry.ts`.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, SftunnelCaError } from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance, type StartLabOptions } from '@sftunnel-ca/lab';
import type { SshHostOptions } from '@sftunnel-ca/transport';

/** An FMC to connect to, and the files that go with it. */
export interface ExampleTarget {
  /** The FMC, ready for `SshHost.connect` (host key checked against {@link ExampleTarget.knownHosts}). */
  readonly fmc: SshHostOptions;
  /** The known_hosts file every connection checks host keys against. */
  readonly knownHosts: string;
  /** The devices.csv path (argv[2], or the lab's), when there is one. */
  readonly devicesCsv: string | undefined;
  /** The lab, when one was started instead of a real FMC. */
  readonly lab: Lab | undefined;
  /** Stops the lab and removes its files (nothing to do for a real FMC). */
  stop(): Promise<void>;
}

/**
 * The FMC of the environment (and the devices.csv of argv[2]), or, when neither is given, a lab
 * started with `lab` and its files written.
 */
export async function exampleTarget(lab: StartLabOptions, env: NodeJS.ProcessEnv = process.env): Promise<ExampleTarget> {
  const knownHosts = env.KNOWN_HOSTS ?? join(homedir(), '.ssh', 'known_hosts');
  const host = env.FMC_HOST === '' ? undefined : env.FMC_HOST;
  if (host !== undefined || process.argv[2] !== undefined) {
    const password = host === undefined ? undefined : await passwordFromEnv(env);
    return {
      get fmc(): SshHostOptions {
        if (host === undefined || password === undefined) throw new SftunnelCaError('INVALID_ARGUMENT', 'set FMC_HOST (and SFTUNNEL_CA_PASSWORD_FILE) to the FMC to connect to');
        return {
          name: host,
          host,
          port: Number(env.FMC_PORT ?? 22),
          username: env.FMC_USER ?? 'admin',
          password,
          strategy: 'auto',
          hostKeys: { knownHostsFiles: [knownHosts] },
        };
      },
      knownHosts,
      devicesCsv: process.argv[2],
      lab: undefined,
      stop: async () => {},
    };
  }
  const started = await startLab(lab);
  const files = await writeLabFiles(started);
  return {
    fmc: { ...fmcOptions(started.fmc, files.knownHosts), password: new Secret(started.fmc.password) },
    knownHosts: files.knownHosts,
    devicesCsv: files.devicesCsv,
    lab: started,
    stop: async () => {
      await started.stop();
      await rm(files.dir, { recursive: true, force: true });
    },
  };
}

/** The password from SFTUNNEL_CA_PASSWORD, or the first line of SFTUNNEL_CA_PASSWORD_FILE (which must be 0600). */
async function passwordFromEnv(env: NodeJS.ProcessEnv): Promise<Secret> {
  if (env.SFTUNNEL_CA_PASSWORD !== undefined) return new Secret(env.SFTUNNEL_CA_PASSWORD);
  const file = env.SFTUNNEL_CA_PASSWORD_FILE;
  if (file === undefined) throw new SftunnelCaError('INVALID_ARGUMENT', 'set SFTUNNEL_CA_PASSWORD or SFTUNNEL_CA_PASSWORD_FILE (never a password in argv)');
  if (((await stat(file)).mode & 0o077) !== 0) throw new SftunnelCaError('INVALID_ARGUMENT', `${file} must be readable by its owner only (chmod 600)`, { file });
  return new Secret((await readFile(file, 'utf8')).split('\n')[0] ?? '');
}

function fmcOptions(fmc: LabAppliance, knownHosts: string): SshHostOptions {
  return { name: fmc.name, host: fmc.address, port: fmc.sshPort, username: fmc.username, strategy: 'auto', hostKeys: { knownHostsFiles: [knownHosts] } };
}

/** The files a user would have for a lab: known_hosts, a 0600 password file, and a devices.csv (FMC, its devices, the HA peer). */
export async function writeLabFiles(lab: Lab): Promise<{ readonly dir: string; readonly knownHosts: string; readonly passwordFile: string; readonly devicesCsv: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-example-'));
  await chmod(dir, 0o700);
  const knownHosts = join(dir, 'known_hosts');
  const passwordFile = join(dir, 'password');
  const devicesCsv = join(dir, 'devices.csv');
  const where = (a: LabAppliance): string => (a.sshPort === 22 ? a.address : `[${a.address}]:${a.sshPort}`);
  await writeFile(knownHosts, lab.appliances.map((a) => `${where(a)} ${a.hostPublicKey}\n`).join(''));
  await writeFile(passwordFile, `${lab.fmc.password}\n`, { mode: 0o600 });
  const row = (a: LabAppliance, role: string): string => `${a.name},${a.address},${a.username},file:${passwordFile},${a.sshPort},${role}\n`;
  const rows = [row(lab.fmc, 'fmc'), ...lab.devices.map((d) => row(d, 'ftd')), ...(lab.secondaryFmc === undefined ? [] : [row(lab.secondaryFmc, 'ha-peer')])];
  await writeFile(devicesCsv, `name,ip,user,password,port,role\n${rows.join('')}`, { mode: 0o600 });
  return { dir, knownHosts, passwordFile, devicesCsv };
}
