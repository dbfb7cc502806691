import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabAppliance } from '@sftunnel-ca/lab';
import { CliUsageError } from './cli-usage-error.js';

/** The `schema` of the persistent lab's description, `lab.json`. */
export const LAB_SCHEMA_ID = 'sftunnel-ca/lab/v1';

/** One appliance of a persistent lab, as `lab.json` lists it (no password). */
export interface LabStateAppliance {
  readonly name: string;
  readonly role: LabAppliance['role'];
  readonly uuid: string;
  readonly address: string;
  readonly sshPort: number;
  readonly username: string;
  readonly hostKeyFingerprint: string;
}

/** `lab.json`: what a persistent lab is and where to reach it. */
export interface LabState {
  readonly schema: typeof LAB_SCHEMA_ID;
  readonly pid: number;
  readonly startedAt: string;
  readonly stateDir: string;
  readonly fmc: LabStateAppliance;
  readonly secondaryFmc?: LabStateAppliance;
  readonly devices: readonly LabStateAppliance[];
  /** Files beside `lab.json`: the password (0600), a known_hosts, and a devices.csv that points at the password file. */
  readonly files: { readonly password: string; readonly knownHosts: string; readonly devicesCsv: string };
}

/** The default home of the persistent lab: `$XDG_STATE_HOME/sftunnel-ca/lab` or `~/.local/state/sftunnel-ca/lab`. */
export function defaultLabStateDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'sftunnel-ca', 'lab');
}

function describe(appliance: LabAppliance): LabStateAppliance {
  return {
    name: appliance.name,
    role: appliance.role,
    uuid: appliance.uuid,
    address: appliance.address,
    sshPort: appliance.sshPort,
    username: appliance.username,
    hostKeyFingerprint: appliance.hostKeyFingerprint,
  };
}

/**
 * Writes a running lab's description into `stateDir` (mode 0700): `lab.json`, `password` (0600),
 * `known_hosts` and a vendor-format `devices.csv` whose password cells are `file:` references.
 */
export async function writeLabState(stateDir: string, lab: Lab, pid: number, now: Date): Promise<LabState> {
  // Loaded on use: `lab status` and `lab down` (and `--help`) read the state without core or transport.
  const { formatKnownHosts } = await import('@sftunnel-ca/transport');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const files = { password: join(stateDir, 'password'), knownHosts: join(stateDir, 'known_hosts'), devicesCsv: join(stateDir, 'devices.csv') };
  await writeFile(files.password, `${lab.fmc.password}\n`, { mode: 0o600 });
  await writeFile(files.knownHosts, formatKnownHosts(lab.appliances), { mode: 0o600 });
  const devicesCsv = lab.devicesCsv({ appliances: [lab.fmc, ...lab.devices], password: `file:${files.password}`, roles: true });
  await writeFile(files.devicesCsv, devicesCsv, { mode: 0o600 });
  const state: LabState = {
    schema: LAB_SCHEMA_ID,
    pid,
    startedAt: now.toISOString(),
    stateDir,
    fmc: describe(lab.fmc),
    ...(lab.secondaryFmc === undefined ? {} : { secondaryFmc: describe(lab.secondaryFmc) }),
    devices: lab.devices.map(describe),
    files,
  };
  await writeFile(join(stateDir, 'lab.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

/** Reads `lab.json`, or `undefined` when no lab is up there. */
export async function readLabState(stateDir: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, 'lab.json'), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    state = undefined;
  }
  const schema = typeof state === 'object' && state !== null ? (state as { schema?: unknown }).schema : undefined;
  if (schema !== LAB_SCHEMA_ID) throw new CliUsageError(`${join(stateDir, 'lab.json')} is not a lab description of this version (${JSON.stringify(schema ?? null)}); remove ${stateDir}`);
  return state as LabState;
}

/** The files a lab writes into its state directory; nothing else there is ever removed. */
const LAB_FILES = ['lab.json', 'password', 'known_hosts', 'devices.csv', 'lab.log'];

/**
 * Removes the files a lab wrote into `stateDir`, then the directory if it is left empty. Never
 * removes anything else, whatever `--state-dir` points at.
 */
export async function removeLabState(stateDir: string): Promise<void> {
  await Promise.all(LAB_FILES.map((name) => rm(join(stateDir, name), { force: true })));
  await rmdir(stateDir).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code !== 'ENOENT' && cause.code !== 'ENOTEMPTY') throw cause;
  });
}

/** Whether a process is alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
