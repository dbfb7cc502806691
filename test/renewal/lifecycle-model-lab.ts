/**
 * The real side of the lifecycle model test (lifecycle-model.test.ts): a running lab, the CLI run
 * against it — in this process, and as the built binary where a run is killed — with devices reached
 * over `expert`, host keys from a known_hosts file, passwords by `file:` reference; snapshots of
 * what every appliance holds, and the invariants of issue 20 checked against the lab's files and
 * tunnels.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import { Certificate, fmcPushedFiles, ftdPeerFiles, keyMatchesCertificate, parseFailedPush, verifyIssuedBy } from '@sftunnel-ca/core';
import { startLab, type Lab, type LabAppliance, type StartLabOptions } from '@sftunnel-ca/lab';
import { formatKnownHosts } from '@sftunnel-ca/transport';
import { BINARY } from '../../packages/cli/test/run-binary.js';
import { runInProcess } from '../../packages/cli/test/run-in-process.js';
import { secretFindingsIn } from '../secret-audit/secret-material.js';


/** How one run of the binary ended. */
export interface CliRun {
  readonly args: readonly string[];
  /** The exit status; `undefined` when killed. */
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the test killed it (SIGKILL) before it finished. */
  readonly killed: boolean;
}

/** Appliance path → sha256 of what it holds (`missing` when absent). */
export type FileDigests = Readonly<Record<string, string>>;

/** What one FMC's renewal touches: the FMC's own files and each device's files for that FMC, as digests. */
export interface FleetSnapshot {
  readonly fmc: FileDigests;
  /** By device name. */
  readonly devices: ReadonlyMap<string, FileDigests>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const short = (digest: string | undefined): string => (digest === undefined ? 'absent' : digest === 'missing' ? 'missing' : digest.slice(0, 12));

/** Lines of a journal file (JSON objects), none when it does not exist. */
export async function journalEntries(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return []; // a line cut by the kill
      }
    });
}

/**
 * A lab driven through the built CLI: one scratch directory (password file 0600, known_hosts,
 * devices.csv files, journals), the lab itself, and a trace of what was done to it.
 */
export class LifecycleLab {
  readonly lab: Lab;
  readonly dir: string;
  readonly #passwordFile: string;
  readonly #knownHosts: string;
  readonly #env: NodeJS.ProcessEnv;
  /** What was done, one line per step, for failure messages. */
  readonly trace: string[] = [];
  #runs = 0;

  private constructor(lab: Lab, dir: string) {
    this.lab = lab;
    this.dir = dir;
    this.#passwordFile = join(dir, 'fmc-password');
    this.#knownHosts = join(dir, 'known_hosts');
    // No agent and no password in the environment: the binary uses what the arguments name. Journals land in the scratch directory.
    this.#env = { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined, XDG_STATE_HOME: dir };
  }

  /** Starts a lab and its scratch directory. */
  static async start(options: StartLabOptions): Promise<LifecycleLab> {
    const lab = await startLab(options);
    try {
      const world = new LifecycleLab(lab, await mkdtemp(join(tmpdir(), 'lifecycle-model-')));
      await writeFile(world.#passwordFile, `${lab.fmc.password}\n`, { mode: 0o600 });
      await world.writeKnownHosts();
      return world;
    } catch (error) {
      await lab.stop();
      throw error;
    }
  }

  /** Stops the lab and removes the scratch directory. */
  async stop(): Promise<void> {
    await this.lab.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The names of the lab's devices, in order. */
  get deviceNames(): string[] {
    return this.lab.devices.map((d) => d.name);
  }

  /** The FMCs of the lab: the primary, then the HA peer. */
  get fmcs(): LabAppliance[] {
    return [this.lab.fmc, ...(this.lab.secondaryFmc === undefined ? [] : [this.lab.secondaryFmc])];
  }

  /** (Re)writes known_hosts with every appliance of the lab (after a registration, the new one too). */
  async writeKnownHosts(): Promise<void> {
    await writeFile(this.#knownHosts, formatKnownHosts(this.lab.appliances));
  }

  /** A fresh journal path for the next run. */
  nextJournal(): string {
    this.#runs += 1;
    return join(this.dir, `run-${this.#runs}.journal`);
  }

  /** Writes a devices.csv of the named devices (port column, `file:` password), mode 0600. */
  async devicesCsv(names: readonly string[]): Promise<string> {
    const appliances = names.map((name) => this.lab.appliance(name));
    const path = join(this.dir, `devices-${names.join('_')}.csv`);
    await writeFile(path, this.lab.devicesCsv({ appliances, password: `file:${this.#passwordFile}` }), { mode: 0o600 });
    return path;
  }

  /** `--fmc … --password-file … --known-hosts … --strategy expert` for an FMC of the lab. */
  sshArgs(fmc: string): string[] {
    const appliance = this.lab.appliance(fmc);
    return ['--fmc', `${appliance.username}@${appliance.address}:${appliance.sshPort}`, '--password-file', this.#passwordFile, '--known-hosts', this.#knownHosts, '--strategy', 'expert'];
  }

  /**
   * Runs the CLI with the lab's scratch environment: in this process (`runInProcess`, the code the
   * binary runs, without a Node start per step), or, with `killWhenJournal`, as the built binary,
   * killed with SIGKILL as soon as that journal holds that many entries (a moment of its run; it
   * may finish first).
   */
  async runCli(args: readonly string[], options: { readonly killWhenJournal?: { readonly path: string; readonly entries: number } } = {}): Promise<CliRun> {
    if (options.killWhenJournal === undefined) return { args, killed: false, ...(await runInProcess(args, { env: this.#env })) };
    return this.#runBinary(args, options.killWhenJournal);
  }

  #runBinary(args: readonly string[], kill: { readonly path: string; readonly entries: number }): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BINARY, ...args], { env: this.#env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let killed = false;
      const look = (): void => {
        if (killed || child.exitCode !== null) return;
        void journalEntries(kill.path).then((entries) => {
          if (!killed && child.exitCode === null && entries.length >= kill.entries) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
      };
      const watcher: FSWatcher = watch(dirname(kill.path), (_event, file) => {
        if (file === null || file === basename(kill.path)) look();
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        look();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        look();
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        watcher.close();
        resolve({ args, code: signal === null ? (code ?? undefined) : undefined, stdout, stderr, killed: killed && signal === 'SIGKILL' });
      });
    });
  }

  /** The sha256 of a file on an appliance; `missing` when it is not there. */
  async digest(appliance: string, path: string): Promise<string> {
    return this.lab.readFile(appliance, path).then(sha256, () => 'missing');
  }

  /** The files of one FMC and of every device for that FMC, as digests: what a renewal of that FMC replaces. */
  async snapshot(fmcName: string, devices: readonly string[]): Promise<FleetSnapshot> {
    const { layout } = this.lab;
    const fmc = this.lab.appliance(fmcName);
    const fmcPaths = [layout.fmc.caCertificate, layout.fmc.caKey, layout.fmc.caCrl, layout.fmc.sftunnelCertificate, layout.fmc.sftunnelKey];
    for (const name of devices) {
      const pushed = fmcPushedFiles(layout, this.lab.appliance(name).uuid);
      fmcPaths.push(pushed.sftunnelCertificate, pushed.sftunnelKey);
    }
    const fmcDigests = Object.fromEntries(await Promise.all(fmcPaths.map(async (p) => [p, await this.digest(fmcName, p)] as const)));
    const peer = ftdPeerFiles(layout, fmc.uuid);
    const deviceDigests = new Map<string, FileDigests>();
    for (const name of devices) {
      const paths = [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey];
      deviceDigests.set(name, Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await this.digest(name, p)] as const))));
    }
    return { fmc: fmcDigests, devices: deviceDigests };
  }

  /** The device names a FAILED_PUSH on an FMC lists (none when `path` is undefined). */
  async failedPushNames(fmcName: string, path: string | undefined): Promise<Set<string>> {
    if (path === undefined) return new Set();
    const text = await this.lab.readFile(fmcName, path).catch(() => undefined);
    if (text === undefined) throw new Error(`${fmcName}: the FAILED_PUSH ${path} the run reported is gone`);
    return new Set(parseFailedPush(text, { fmcUuid: this.lab.appliance(fmcName).uuid }).devices.map((d) => d.name));
  }

  /** `pmtool restartbyid sftunnel` on every FMC, then on every device. */
  async restartEverything(): Promise<void> {
    for (const fmc of this.fmcs) await this.lab.restartTunnel(fmc.name);
    for (const device of this.lab.devices) await this.lab.restartTunnel(device.name);
  }

  /** Every file on an appliance (appliance path → content), text read as UTF-8. */
  async applianceFiles(name: string): Promise<Map<string, string>> {
    const root = this.lab.appliance(name).root;
    const files = new Map<string, string>();
    for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      files.set(`/${relative(root, full).split(sep).join('/')}`, await readFile(full, 'utf8').catch(() => ''));
    }
    return files;
  }

  /** The mode bits of a file on an appliance. */
  async mode(appliance: string, path: string): Promise<number | undefined> {
    return stat(this.lab.path(appliance, path)).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
  }
}

/** The differences between an expected and an actual snapshot, one line each (empty when equal). */
export function snapshotDifferences(expected: FleetSnapshot, actual: FleetSnapshot, label: string): string[] {
  const lines: string[] = [];
  const compare = (who: string, want: FileDigests, have: FileDigests | undefined): void => {
    for (const [path, digest] of Object.entries(want)) {
      if (have?.[path] !== digest) lines.push(`${who} ${path}: ${label} ${short(digest)}, holds ${short(have?.[path])}`);
    }
  };
  compare('FMC', expected.fmc, actual.fmc);
  for (const [name, want] of expected.devices) compare(name, want, actual.devices.get(name));
  return lines;
}

/** Whether a device's files for an FMC are that FMC's current ones for it: its live CA, and the pair in `certs_pushed/`. */
export function holdsFmcSet(snapshot: FleetSnapshot, lab: Lab, fmcName: string, device: string): string | undefined {
  const { layout } = lab;
  const peer = ftdPeerFiles(layout, lab.appliance(fmcName).uuid);
  const pushed = fmcPushedFiles(layout, lab.appliance(device).uuid);
  const held = snapshot.devices.get(device) ?? {};
  const pairs: Array<[string, string, string]> = [
    ['cacert.pem', held[peer.caCertificate] ?? 'absent', snapshot.fmc[layout.fmc.caCertificate] ?? 'absent'],
    ['sftunnel-cert.pem', held[peer.sftunnelCertificate] ?? 'absent', snapshot.fmc[pushed.sftunnelCertificate] ?? 'absent'],
    ['sftunnel-key.pem', held[peer.sftunnelKey] ?? 'absent', snapshot.fmc[pushed.sftunnelKey] ?? 'absent'],
  ];
  const wrong = pairs.filter(([, a, b]) => a !== b).map(([file, a, b]) => `${file} ${short(a)} ≠ ${fmcName}'s ${short(b)}`);
  return wrong.length === 0 ? undefined : `${device} does not hold ${fmcName}'s current set: ${wrong.join(', ')}`;
}

/** What the invariants need from the model, per FMC. */
export interface InvariantExpectations {
  /** The devices the FMC manages (every device of the lab). */
  readonly devices: readonly string[];
  /** The FAILED_PUSH of the generation now live on the FMC, if its run wrote one. */
  readonly failedPush: string | undefined;
  /** Devices the model expects that FAILED_PUSH to list (left out, unreachable). */
  readonly stranded: ReadonlySet<string>;
  /** Devices an operator forced back off the live generation (`rollback <device> --force`): they may drop. */
  readonly forced: ReadonlySet<string>;
}

/** Where private-key material may be on an appliance: the live key paths, their backups, and the staging directory. */
function keyMayBeAt(lab: Lab, appliance: LabAppliance, path: string): boolean {
  const { layout } = lab;
  if (path.startsWith(`${layout.fmc.failedPushDirectory}/`)) return true;
  const live: string[] = [];
  if (appliance.role === 'fmc') {
    live.push(layout.fmc.caKey, layout.fmc.sftunnelKey);
    for (const device of lab.devices) live.push(fmcPushedFiles(layout, device.uuid).sftunnelKey);
  } else {
    for (const fmc of appliance.peers) live.push(ftdPeerFiles(layout, lab.appliance(fmc).uuid).sftunnelKey);
  }
  return live.some((p) => path === p || (posix.dirname(path) === posix.dirname(p) && posix.basename(path).startsWith(posix.basename(p)) && posix.basename(path).includes(layout.backupSuffix)));
}

/**
 * Checks issue 20's invariants on the lab now; returns every breach (empty when all hold):
 * 1. each FMC's CA key (`layout.fmc.caKey`, mode 0600) is the key of its live CA;
 * 2. after `pmtool restartbyid sftunnel` on every device, each managed device's tunnel to each
 *    FMC is up, unless the FMC's current FAILED_PUSH lists it (or the operator forced it back off
 *    the live CA); and the devices the model left out or found unreachable are in that FAILED_PUSH;
 * 3. no device holds a mix of sets: per FMC its key is its certificate's and its certificate is
 *    issued by the CA it holds; the same for the FMC's own pair and each `certs_pushed/` pair;
 * 4. no private-key material in any file of any appliance outside the staging directory
 *    (`/var/tmp/certs/…`) and the live key paths (and their `*.backup*`).
 */
export async function invariantBreaches(world: LifecycleLab, expectations: ReadonlyMap<string, InvariantExpectations>): Promise<string[]> {
  const { lab } = world;
  const { layout } = lab;
  const now = lab.clock.now();
  const breaches: string[] = [];
  const issuedBy = async (certificatePem: string, caPem: string): Promise<string | undefined> => {
    try {
      await verifyIssuedBy(Certificate.fromPem(certificatePem), Certificate.fromPem(caPem), { now });
      return undefined;
    } catch (error) {
      return `${(error as { code?: string }).code ?? 'ERROR'}: ${(error as Error).message}`;
    }
  };
  const keyOf = (keyPem: string, certificatePem: string): boolean => {
    try {
      return keyMatchesCertificate(keyPem, Certificate.fromPem(certificatePem));
    } catch {
      return false;
    }
  };
  const read = (appliance: string, path: string): Promise<string | undefined> => lab.readFile(appliance, path).catch(() => undefined);

  for (const fmc of world.fmcs) {
    const expected = expectations.get(fmc.name);
    if (expected === undefined) continue;
    // 1. The CA key is the live CA's.
    const caPem = await read(fmc.name, layout.fmc.caCertificate);
    const caKey = await read(fmc.name, layout.fmc.caKey);
    if (caPem === undefined || caKey === undefined) breaches.push(`[ca-key] ${fmc.name}: ${caPem === undefined ? layout.fmc.caCertificate : layout.fmc.caKey} is missing`);
    else if (!keyOf(caKey, caPem)) breaches.push(`[ca-key] ${fmc.name}: ${layout.fmc.caKey} is not the key of the live CA ${layout.fmc.caCertificate} (sha256 ${short(sha256(caPem))})`);
    const caKeyMode = await world.mode(fmc.name, layout.fmc.caKey);
    if (caKeyMode !== undefined && caKeyMode !== 0o600) breaches.push(`[ca-key] ${fmc.name}: ${layout.fmc.caKey} is mode ${caKeyMode.toString(8)}, not 600`);

    // 3. The FMC's own pair and each certs_pushed pair are one set with the live CA.
    if (caPem !== undefined) {
      const pairs: Array<[string, string, string]> = [['its own sftunnel pair', layout.fmc.sftunnelCertificate, layout.fmc.sftunnelKey]];
      for (const name of expected.devices) {
        const pushed = fmcPushedFiles(layout, lab.appliance(name).uuid);
        pairs.push([`certs_pushed of ${name}`, pushed.sftunnelCertificate, pushed.sftunnelKey]);
      }
      for (const [what, certPath, keyPath] of pairs) {
        const cert = await read(fmc.name, certPath);
        const key = await read(fmc.name, keyPath);
        if (cert === undefined || key === undefined) {
          breaches.push(`[mixed-set] ${fmc.name}: ${what}: ${cert === undefined ? certPath : keyPath} is missing`);
          continue;
        }
        if (!keyOf(key, cert)) breaches.push(`[mixed-set] ${fmc.name}: ${what}: the key is not the certificate's`);
        const notIssued = await issuedBy(cert, caPem);
        if (notIssued !== undefined) breaches.push(`[mixed-set] ${fmc.name}: ${what}: the certificate is not issued by the live CA (${notIssued})`);
      }
    }

    // 3. Each device holds one set for this FMC.
    const peer = ftdPeerFiles(layout, fmc.uuid);
    for (const name of expected.devices) {
      const [ca, cert, key] = await Promise.all([peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey].map((p) => read(name, p)));
      if (ca === undefined || cert === undefined || key === undefined) {
        breaches.push(`[mixed-set] ${name}: its files for ${fmc.name} are incomplete`);
        continue;
      }
      if (!keyOf(key, cert)) breaches.push(`[mixed-set] ${name}: its sftunnel-key.pem for ${fmc.name} is not its sftunnel-cert.pem's key`);
      const notIssued = await issuedBy(cert, ca);
      if (notIssued !== undefined) breaches.push(`[mixed-set] ${name}: its sftunnel-cert.pem for ${fmc.name} is not issued by the cacert.pem it holds (${notIssued})`);
    }
  }

  // 2. Every managed device's tunnel comes back after a restart, unless FAILED_PUSH lists it.
  for (const device of lab.devices) await lab.restartTunnel(device.name);
  for (const fmc of world.fmcs) {
    const expected = expectations.get(fmc.name);
    if (expected === undefined) continue;
    let listed = new Set<string>();
    try {
      listed = await world.failedPushNames(fmc.name, expected.failedPush);
    } catch (error) {
      breaches.push(`[failed-push] ${(error as Error).message}`);
    }
    for (const name of expected.stranded) {
      if (!listed.has(name)) breaches.push(`[failed-push] ${fmc.name}: ${name} got no new files but the current FAILED_PUSH (${expected.failedPush ?? 'none written'}) does not list it`);
    }
    for (const name of expected.devices) {
      const tunnel = lab.tunnel(name, fmc.name);
      if (tunnel.state === 'connected' || listed.has(name) || expected.forced.has(name)) continue;
      breaches.push(`[tunnel] ${name} → ${fmc.name}: down after a restart (${tunnel.lastError?.side ?? '?'} side: ${tunnel.lastError?.code ?? '?'} ${tunnel.lastError?.message ?? ''}) and not in the current FAILED_PUSH`);
    }
  }

  // 4. No private-key material outside the staging directory and the live paths.
  for (const appliance of lab.appliances) {
    for (const [path, text] of await world.applianceFiles(appliance.name)) {
      if (!secretFindingsIn(text).some((f) => f.kind === 'private key')) continue;
      if (!keyMayBeAt(lab, appliance, path)) breaches.push(`[key-material] ${appliance.name}: private-key material in ${path}`);
    }
  }
  return breaches;
}
