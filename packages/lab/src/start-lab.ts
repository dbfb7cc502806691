import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_APPLIANCE_LAYOUT, fmcHaPeerFiles, ftdPeerFiles, SftunnelCaError, type ApplianceLayout, type RsaKeyPair } from '@sftunnel-ca/core';
import { onDisk, writeFmcFiles, writeFmcPeerIdentities, writeFtdFiles, writeHaPeerFiles, type ApplianceIdentity } from './appliance-files.js';
import type { ApplianceRole, ApplianceRuntime, ApplianceServices, LabAppliance, LoginShell } from './appliance.js';
import type { ApplianceFaults, LabFaults } from './faults.js';
import { labProfile, type LabProfile, type LabProfileName } from './lab-profile.js';
import { runGenerateCerts } from './generate-certs.js';
import { labKeyPool } from './key-pool.js';
import { formatLabDevicesCsv, type LabDevicesCsvParams } from './lab-devices-csv.js';
import { LAB_LAYOUT_FILE } from './lab-layout-file.js';
import { LabClock } from './lab-clock.js';
import { newLabPassword } from './lab-password.js';
import { createLabPki, type LabCaState, type LabPki } from './lab-pki.js';
import { registerLabDevice, type DeviceRegistrationSite, type RegisterDeviceParams } from './register-device.js';
import { SftunnelEmulator, type TunnelStatus } from './sftunnel-emulator.js';
import { SftunnelLog } from './sftunnel-log.js';
import { sftunnelStatusText } from './sftunnel-status.js';
import { ApplianceSshServer, generateHostKey } from './ssh-server.js';

/** One device of {@link StartLabOptions.devices}; everything not given is generated. */
export interface LabDeviceSpec {
  /** Default `FTD-0001`, `FTD-0002`, … */
  readonly name?: string;
  /** Default a random UUID. */
  readonly uuid?: string;
  /** The release whose login shells this device reproduces (an FTD profile); default {@link StartLabOptions.profile}'s. */
  readonly profile?: LabProfileName;
}

/**
 * Which releases' login shells a lab reproduces: one profile name (an FTD profile applies to every
 * device, an FMC profile to the FMC(s)), or one for the FMC(s) and one for the devices.
 */
export type LabProfileChoice = LabProfileName | { readonly fmc?: LabProfileName; readonly devices?: LabProfileName };

/** Which tunnels are up when the lab starts: all (default), none, or all but some (names or 0-based indexes). */
export type LabTunnels = 'up' | 'down' | { readonly down: readonly (string | number)[] };

/** Options of {@link startLab}. */
export interface StartLabOptions {
  /** How many FTDs (up to about 1,000), or each one's name and UUID. */
  readonly devices: number | readonly LabDeviceSpec[];
  /** Add an HA peer FMC (`FMCsec`) with its own InternalCA that manages the same devices. Default false. */
  readonly ha?: boolean;
  /**
   * With `ha`: the two FMCs are also sftunnel peers of each other, as the FMCs of an HA pair are on
   * the appliance. Each FMC has a peer directory for the other (`/var/sf/peers/<peer-UUID>/`) with
   * the `certs_pushed/` pair it made for the peer and the files it holds to talk to the peer (the
   * peer's `cacert.pem`, and the `sftunnel-cert.pem` and `sftunnel-key.pem` the peer made for it,
   * `sftunnel.json` with role `ha-peer`), and a tunnel to the peer; each FMC's inspection then
   * lists the other as a peer, so renewal and the copy step cover it. The lab's
   * `generate_certs.pl` leaves the HA peer out. Default false: the FMCs know only the devices.
   */
  readonly haTunnel?: boolean;
  /** The InternalCA at the lab's start: `valid` (a year old; default), `expiring` or `expired`. */
  readonly caState?: LabCaState;
  /** For `expiring`, days left (default 20); for `expired`, days since expiry (default 5). */
  readonly caDays?: number;
  /** Which tunnels are up at start. Default `up`: all, established while the CA was still valid. */
  readonly tunnels?: LabTunnels;
  /** The lab time at start; default the real time. */
  readonly now?: Date;
  /** Faults by appliance name. */
  readonly faults?: LabFaults;
  /** The directory under which the lab makes its own temporary directory; default the system's. */
  readonly dir?: string;
  /** Which appliances accept `root` logins for exec and SFTP (the `direct` strategy): all, none (default) or by name. */
  readonly direct?: boolean | readonly string[];
  /** Where SSH logins land: the restricted CLI `> ` (default) or bash. */
  readonly loginShell?: LoginShell;
  /** The second octet of the lab's addresses: FMC 127.<block>.0.10, FTDs from 127.<block>.1.1. Default: 0, or a free block when 0 is taken. */
  readonly addressBlock?: number;
  /** The SSH port of every appliance; default 22 when running as root, else one the system picks per appliance. */
  readonly sshPort?: number;
  /** Distinct RSA keys the lab's certificates share (key generation is slow); default 8. */
  readonly keyPoolSize?: number;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** A critical task under way on the FMC (generate_certs.pl refuses to run), e.g. `backup`. */
  readonly criticalTask?: string;
  /**
   * The releases whose login shells the appliances reproduce, line by line as public transcripts
   * show them (banner, NOTICE block, sudo's lecture, `Password: `, `logout`, where the login
   * lands): see `LabProfileName`. A profile's landing shell overrides {@link StartLabOptions.loginShell};
   * each device may have its own ({@link LabDeviceSpec.profile}). Default none: the lab's own plain shells.
   *
   * @example
   * ```ts
   * const lab = await startLab({ devices: [{ profile: 'ftd-6.4-hw' }, { profile: 'fp4100-module' }], profile: 'fmc-7' });
   * ```
   */
  readonly profile?: LabProfileChoice;
}

/** A running lab: its appliances, its clock and tunnels, and `stop()`. */
export interface Lab {
  /**
   * The lab's directory (every appliance's tree is under it, in a directory named after it, beside
   * `layout.json`, the layout they follow); removed by `stop()`.
   */
  readonly dir: string;
  /** The primary FMC. */
  readonly fmc: LabAppliance;
  /** The HA peer FMC, with `ha: true`. */
  readonly secondaryFmc: LabAppliance | undefined;
  /** The FTDs, in order. */
  readonly devices: readonly LabAppliance[];
  /** Every appliance: FMC(s) first. */
  readonly appliances: readonly LabAppliance[];
  /** The lab clock. */
  readonly clock: LabClock;
  /** The appliance paths. */
  readonly layout: ApplianceLayout;
  /**
   * An appliance by name.
   *
   * @throws SftunnelCaError `LAB_UNKNOWN_APPLIANCE`
   */
  appliance(name: string): LabAppliance;
  /** The real path on disk of a path on an appliance. */
  path(name: string, appliancePath: string): string;
  /** Reads a file of an appliance (UTF-8). */
  readFile(name: string, appliancePath: string): Promise<string>;
  /** The messages log of an appliance (`/var/log/messages` or `/ngfw/var/log/messages`), once pending lines are written. */
  messages(name: string): Promise<string>;
  /** The tunnel of a device to an FMC (default the primary). */
  tunnel(device: string, manager?: string): TunnelStatus;
  /** Every tunnel. */
  tunnels(): readonly TunnelStatus[];
  /**
   * How many TCP connections an appliance's SSH endpoint has accepted since the lab started (each
   * dial that reached it, `silent` ones included; none while it is `unreachable`, whose dials are refused).
   */
  sshConnections(name: string): number;
  /** `pmtool restartbyid sftunnel` on an appliance: drops its tunnels and reconnects them with the files as they are now. */
  restartTunnel(name: string): Promise<void>;
  /** Drops a device's tunnels (a network blip); they stay down until restarted. */
  dropTunnel(device: string, reason?: string): Promise<void>;
  /** Replaces an appliance's faults. */
  setFaults(name: string, faults: ApplianceFaults): Promise<void>;
  /**
   * A devices.csv that reaches appliances of the lab (every device by default): each at its
   * address and SSH port, as its login user, with one password cell for all.
   *
   * @param params - the password cell, and which appliances, ports and roles to write
   * @returns the file's text, as core's `formatDevicesCsv` writes it
   *
   * @example
   * ```ts
   * await writeFile('devices.csv', lab.devicesCsv({ password: 'file:/home/me/lab-password' }), { mode: 0o600 });
   * ```
   */
  devicesCsv(params: LabDevicesCsvParams): string;
  /**
   * Registers a new FTD with the lab's FMC (and its HA peer), as the appliance does when a device
   * is added: each FMC signs the device's certificate with the CA key it holds at
   * `layout.fmc.caKey` and writes its peer directory (`certs_pushed/`, `sftunnel.json`); the device
   * gets an SSH endpoint on the next loopback address and its `/var/sf/peers/<FMC-UUID>/` files
   * (the FMC's live `cacert.pem` and the new pair), and its tunnels connect with what each side
   * holds. A CA key that is not the live CA's shows as a tunnel that fails (`NOT_ISSUED_BY_CA`).
   * Registrations run one at a time.
   *
   * @param params - the device's name and UUID; default `FTD-<n>` and a random UUID
   * @returns the new device, also in {@link Lab.devices}
   * @throws SftunnelCaError `INVALID_ARGUMENT` for a name or UUID the lab already has, `CERTIFICATE_EXPIRED` when an FMC's InternalCA has expired
   *
   * @example
   * ```ts
   * const ftd = await lab.registerDevice({ name: 'FTD-NEW' });
   * console.log(lab.tunnel(ftd.name).state); // 'connected' when the FMC signs with its live CA's key
   * ```
   */
  registerDevice(params?: RegisterDeviceParams): Promise<LabAppliance>;
  /** Stops every listener and connection and removes the lab's directory. Safe to call twice. */
  stop(): Promise<void>;
}

interface Member {
  readonly runtime: ApplianceRuntime;
  readonly log: SftunnelLog;
  ssh: ApplianceSshServer | undefined;
}

const FMC_NAMES = ['FMCpri', 'FMCsec'] as const;

function deviceAddress(block: number, index: number): string {
  return `127.${block}.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
}

function deviceSpecs(devices: number | readonly LabDeviceSpec[]): { name: string; uuid: string }[] {
  const specs: readonly LabDeviceSpec[] = typeof devices === 'number' ? Array.from({ length: Math.max(0, Math.floor(devices)) }, (): LabDeviceSpec => ({})) : devices;
  if (specs.length > 60_000 || (typeof devices === 'number' && (!Number.isInteger(devices) || devices < 0))) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `devices must be a whole number from 0 to 60,000, got ${String(typeof devices === 'number' ? devices : specs.length)}`, { step: 'start-lab' });
  }
  const list = specs.map((spec, i) => ({ name: spec.name ?? `FTD-${String(i + 1).padStart(4, '0')}`, uuid: spec.uuid ?? randomUUID() }));
  const names = new Set(list.map((d) => d.name));
  if (names.size !== list.length || FMC_NAMES.some((n) => names.has(n))) {
    throw new SftunnelCaError('INVALID_ARGUMENT', 'device names must be unique and differ from FMCpri and FMCsec', { step: 'start-lab' });
  }
  return list;
}

/** The profile of each appliance, from {@link StartLabOptions.profile} and the device specs (names checked). */
function profilesOf(options: StartLabOptions): { of(role: ApplianceRole, name: string): LabProfile | undefined } {
  const choice = options.profile;
  const single = typeof choice === 'string' ? labProfile(choice) : undefined;
  const fmc = single?.role === 'fmc' ? single : typeof choice === 'object' && choice.fmc !== undefined ? labProfile(choice.fmc, 'fmc') : undefined;
  const devices = single?.role === 'ftd' ? single : typeof choice === 'object' && choice.devices !== undefined ? labProfile(choice.devices, 'ftd') : undefined;
  const own = new Map<string, LabProfile>();
  if (typeof options.devices !== 'number') {
    options.devices.forEach((spec, i) => {
      if (spec.profile !== undefined) own.set(spec.name ?? `FTD-${String(i + 1).padStart(4, '0')}`, labProfile(spec.profile, 'ftd'));
    });
  }
  return { of: (role, name) => (role === 'fmc' ? fmc : (own.get(name) ?? devices)) };
}

function downSet(tunnels: LabTunnels | undefined, names: readonly string[]): Set<string> {
  if (tunnels === undefined || tunnels === 'up') return new Set();
  if (tunnels === 'down') return new Set(names);
  return new Set(tunnels.down.map((d) => (typeof d === 'number' ? (names[d] ?? '') : d)));
}

async function inBatches<T>(items: readonly T[], size: number, action: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => action(item, i + j)));
}

/**
 * Starts a lab: an FMC (and an HA peer) and N FTDs, each a real SSH endpoint on its own loopback
 * address with the appliance's file tree on disk, certificates from core's PKI in the CA state
 * asked for, and real TLS 1.2 tunnels from every FTD to its FMC(s) on port 8305. Runs as an
 * ordinary user.
 *
 * @param options - size, CA state, tunnels, faults, clock
 * @returns the running lab; call `stop()` when done
 * @throws SftunnelCaError `INVALID_ARGUMENT` for bad options, `LAB_ADDRESS_IN_USE` when no address block is free
 *
 * @example
 * ```ts
 * const lab = await startLab({ devices: 3, caState: 'expired' });
 * try {
 *   const ftd = lab.devices[0]!;
 *   console.log(ftd.address, ftd.sshPort, ftd.hostKeyFingerprint, lab.tunnel(ftd.name).state);
 * } finally {
 *   await lab.stop();
 * }
 * ```
 */
export async function startLab(options: StartLabOptions): Promise<Lab> {
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const specs = deviceSpecs(options.devices);
  const profiles = profilesOf(options);
  const clock = new LabClock(options.now);
  const now = clock.now();
  const caState = options.caState ?? 'valid';
  const keys: readonly RsaKeyPair[] = await labKeyPool(options.keyPoolSize ?? 8);
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'sftunnel-ca-lab-'));
  const password = newLabPassword();
  let emulator = new SftunnelEmulator(clock);
  const members = new Map<string, Member>();
  try {
    await writeFile(join(dir, LAB_LAYOUT_FILE), `${JSON.stringify(layout)}\n`);
    const fmcCount = options.ha === true ? 2 : 1;
    const fmcIds = FMC_NAMES.slice(0, fmcCount).map((name) => ({ name, uuid: randomUUID() }));
    const pkis: LabPki[] = [];
    // With haTunnel each FMC also issues a pair for its HA peer, as for a device.
    const haPeersOf = (fmc: { uuid: string }): { name: string; uuid: string }[] => (options.haTunnel === true ? fmcIds.filter((f) => f.uuid !== fmc.uuid) : []);
    for (const fmc of fmcIds) {
      pkis.push(await createLabPki({ fmcUuid: fmc.uuid, deviceUuids: [...specs, ...haPeersOf(fmc)].map((d) => d.uuid), now, caState, caDays: options.caDays, keys }));
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
    const sshPort = options.sshPort ?? (uid === 0 ? 22 : 0);
    const directFor = (name: string): boolean => (Array.isArray(options.direct) ? options.direct.includes(name) : options.direct === true);
    const services: ApplianceServices = {
      clock,
      layout,
      restartSftunnel: async (appliance) => {
        if (appliance.info.role === 'fmc') {
          await emulator.restartManager(appliance.info.name, (device) => members.get(device)?.runtime.faults.reconnectsOnlyWhenRestarted !== true);
          await emulator.restartDevice(appliance.info.name); // its own tunnel to its HA peer, if any (haTunnel)
        } else await emulator.restartDevice(appliance.info.name);
      },
      sftunnelStatus: (appliance, peer) => {
        const fmc = appliance.info.role === 'fmc';
        const tunnels = fmc ? emulator.managerTunnels(appliance.info.name) : emulator.deviceTunnels(appliance.info.name);
        const shown = peer === undefined ? tunnels : tunnels.filter((t) => (fmc ? t.deviceAddress : t.managerAddress) === peer);
        return sftunnelStatusText(shown, fmc ? 'manager' : 'device', clock.now());
      },
      generateCerts: (appliance, io) =>
        runGenerateCerts(
          {
            fmc: appliance,
            devices: specs.map((d) => {
              const member = members.get(d.name) as Member;
              const up = emulator.deviceTunnels(d.name).some((t) => t.manager === appliance.info.name && t.state === 'connected');
              return { appliance: member.runtime, tunnelUp: up };
            }),
            keys,
            criticalTask: appliance.info.name === FMC_NAMES[0] ? options.criticalTask : undefined,
            restartTunnels: () => emulator.restartManager(appliance.info.name),
          },
          io,
        ),
    };
    const makeMember = (role: ApplianceRole, id: { name: string; uuid: string }, address: string, peers: readonly string[]): Member => {
      const root = join(dir, id.name);
      const hostKey = generateHostKey();
      const profile = profiles.of(role, id.name);
      const info: LabAppliance = {
        name: id.name,
        role,
        uuid: id.uuid,
        address,
        sshPort: 0,
        username: 'admin',
        password,
        hostKeyFingerprint: hostKey.fingerprint,
        hostPublicKey: hostKey.publicKey,
        root,
        direct: directFor(id.name),
        loginShell: profile?.loginShell ?? options.loginShell ?? 'cli',
        peers,
        ...(profile === undefined ? {} : { profile: profile.name }),
      };
      Object.defineProperty(info, 'password', { value: password, enumerable: false });
      const runtime: ApplianceRuntime = {
        info,
        faults: { ...options.faults?.[id.name] },
        armedEventsSeen: 0,
        onFaultsStruck: undefined,
        hostKey: hostKey.privateKey,
        otherHostKey: generateHostKey().privateKey,
        owners: new Map(),
        services,
      };
      const log = new SftunnelLog(onDisk(root, role === 'fmc' ? layout.fmc.messagesLog : layout.ftd.messagesLog), id.name, 1000 + Math.floor(Math.random() * 60_000));
      return { runtime, log, ssh: undefined };
    };

    // The FMCs first: their sftunnel listeners claim the lab's address block.
    await Promise.all(fmcIds.map((fmc, i) => writeFmcFiles(join(dir, fmc.name), layout, { ...fmc, address: '' }, pkis[i] as LabPki, [...specs, ...haPeersOf(fmc)].map((d) => ({ ...d, address: '' })))));
    const blocks = options.addressBlock !== undefined ? [options.addressBlock] : [0, ...Array.from({ length: 8 }, () => 1 + Math.floor(Math.random() * 250))];
    let block: number | undefined;
    for (const candidate of blocks) {
      if (!Number.isInteger(candidate) || candidate < 0 || candidate > 255) {
        throw new SftunnelCaError('INVALID_ARGUMENT', `addressBlock must be a whole number from 0 to 255, got ${String(candidate)}`, { step: 'start-lab' });
      }
      try {
        for (const [i, fmc] of fmcIds.entries()) {
          const member = makeMember('fmc', fmc, `127.${candidate}.0.${10 + i}`, fmcIds.filter((f) => f !== fmc).map((f) => f.name));
          members.set(fmc.name, member);
          const f = layout.fmc;
          const root = member.runtime.info.root;
          await emulator.addManager(
            { name: fmc.name, address: member.runtime.info.address, log: member.log },
            { caCertificate: onDisk(root, f.caCertificate), certificate: onDisk(root, f.sftunnelCertificate), key: onDisk(root, f.sftunnelKey) },
          );
        }
        block = candidate;
        break;
      } catch (error) {
        await emulator.stop();
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        members.clear();
        emulator = new SftunnelEmulator(clock);
      }
    }
    if (block === undefined) {
      throw new SftunnelCaError('LAB_ADDRESS_IN_USE', `no free address block for the lab's FMC on port 8305 (tried ${blocks.map((b) => `127.${b}.0.10`).join(', ')})`, { step: 'start-lab' });
    }
    const fmcMembers = fmcIds.map((f) => members.get(f.name) as Member);
    const devices = specs.map((spec, i) => makeMember('ftd', spec, deviceAddress(block, i), fmcIds.map((f) => f.name)));
    for (const member of devices) members.set(member.runtime.info.name, member);
    const deviceIdentities = devices.map(({ runtime: { info } }): ApplianceIdentity => ({ uuid: info.uuid, name: info.name, address: info.address }));
    await Promise.all(fmcMembers.map((fmc) => writeFmcPeerIdentities(fmc.runtime.info.root, layout, deviceIdentities)));
    await inBatches(devices, 32, async (member) => {
      const { info } = member.runtime;
      const identity: ApplianceIdentity = { uuid: info.uuid, name: info.name, address: info.address };
      await writeFtdFiles(
        info.root,
        layout,
        identity,
        fmcMembers.map((fmc, m) => {
          const pki = pkis[m] as LabPki;
          const issued = pki.devices.get(info.uuid);
          return { uuid: fmc.runtime.info.uuid, name: fmc.runtime.info.name, address: fmc.runtime.info.address, caCertificatePem: pki.ca.certificate.pem, certificatePem: issued?.certificate.pem ?? '', keyPem: issued?.privateKeyPem ?? '' };
        }),
      );
    });
    for (const member of devices) {
      const { info } = member.runtime;
      for (const fmc of fmcMembers) {
        const peer = ftdPeerFiles(layout, fmc.runtime.info.uuid);
        emulator.addTunnel({ name: info.name, address: info.address, log: member.log }, fmc.runtime.info.name, {
          caCertificate: onDisk(info.root, peer.caCertificate),
          certificate: onDisk(info.root, peer.sftunnelCertificate),
          key: onDisk(info.root, peer.sftunnelKey),
        });
      }
    }
    // haTunnel: each FMC holds what its HA peer made for it, and keeps a tunnel to the peer (the peer as its manager).
    for (const fmc of fmcMembers) {
      const { info } = fmc.runtime;
      for (const peerId of haPeersOf(info)) {
        const peerPki = pkis[fmcIds.findIndex((f) => f.uuid === peerId.uuid)] as LabPki;
        const issued = peerPki.devices.get(info.uuid);
        await writeHaPeerFiles(info.root, layout, {
          uuid: peerId.uuid,
          name: peerId.name,
          address: (members.get(peerId.name) as Member).runtime.info.address,
          caCertificatePem: peerPki.ca.certificate.pem,
          certificatePem: issued?.certificate.pem ?? '',
          keyPem: issued?.privateKeyPem ?? '',
        });
        const files = fmcHaPeerFiles(layout, peerId.uuid);
        emulator.addTunnel({ name: info.name, address: info.address, log: fmc.log }, peerId.name, {
          caCertificate: onDisk(info.root, files.caCertificate),
          certificate: onDisk(info.root, files.sftunnelCertificate),
          key: onDisk(info.root, files.sftunnelKey),
        });
      }
    }
    // A profiled appliance states its release where the FMC's version is read (/etc/sf/sw_version).
    for (const member of [...fmcMembers, ...devices]) {
      const { info } = member.runtime;
      if (info.profile === undefined) continue;
      const profile = labProfile(info.profile);
      await mkdir(onDisk(info.root, '/etc/sf'), { recursive: true });
      await writeFile(onDisk(info.root, '/etc/sf/sw_version'), `${profile.version}\n`);
      if (profile.expertCwd !== undefined) await mkdir(onDisk(info.root, profile.expertCwd), { recursive: true });
    }
    const all = [...fmcMembers, ...devices];
    await inBatches(all, 64, async (member) => {
      const server = await ApplianceSshServer.start(member.runtime, sshPort).catch((error: unknown) => {
        if (sshPort !== 0) return ApplianceSshServer.start(member.runtime, 0);
        throw error;
      });
      member.ssh = server;
      Object.defineProperty(member.runtime.info, 'sshPort', { value: server.port, enumerable: true });
    });
    // Tunnels that are up were established while the whole chain was valid.
    const issuedAt = Math.max(...pkis.map((p) => p.issuedAt.getTime()));
    const notAfter = Math.min(...pkis.map((p) => p.ca.certificate.notAfter.getTime()));
    const establishedAt = new Date(Math.max(issuedAt + 60_000, Math.min(now.getTime(), notAfter - 86_400_000)));
    const down = downSet(options.tunnels, specs.map((d) => d.name));
    await inBatches(devices, 16, async (member) => {
      const name = member.runtime.info.name;
      if (down.has(name)) emulator.markDown(name, new Date(now.getTime() - 3_600_000));
      else await emulator.connect(name, { verifyAt: establishedAt, log: false });
    });
    if (options.haTunnel === true) for (const fmc of fmcMembers) await emulator.connect(fmc.runtime.info.name, { verifyAt: establishedAt, log: false });
    const deviceNames = specs.map((d) => d.name);
    const tunnels = emulator;
    const labBlock = block;
    const site: DeviceRegistrationSite = {
      layout,
      clock,
      keys,
      emulator: tunnels,
      managers: fmcMembers.map((m) => m.runtime),
      nameTaken: (name) => members.has(name) || FMC_NAMES.some((n) => n === name),
      uuidTaken: (uuid) => specs.some((d) => d.uuid === uuid) || fmcIds.some((f) => f.uuid === uuid),
      nextDevice: () => {
        const index = specs.length;
        let n = index + 1;
        while (members.has(`FTD-${String(n).padStart(4, '0')}`)) n += 1;
        return { name: `FTD-${String(n).padStart(4, '0')}`, address: deviceAddress(labBlock, index), index };
      },
      addDevice: (id, address) => {
        const member = makeMember('ftd', { ...id }, address, fmcIds.map((f) => f.name));
        members.set(id.name, member);
        specs.push({ ...id });
        deviceNames.push(id.name);
        return member;
      },
      startSsh: async (registered) => {
        const member = members.get(registered.runtime.info.name) as Member;
        const server = await ApplianceSshServer.start(member.runtime, sshPort).catch((error: unknown) => {
          if (sshPort !== 0) return ApplianceSshServer.start(member.runtime, 0);
          throw error;
        });
        member.ssh = server;
        Object.defineProperty(member.runtime.info, 'sshPort', { value: server.port, enumerable: true });
      },
    };
    return new RunningLab({ dir, layout, clock, emulator, members, fmcNames: fmcIds.map((f) => f.name), deviceNames, register: (params) => registerLabDevice(site, params) });
  } catch (error) {
    await Promise.all([...members.values()].map((m) => m.ssh?.stop()));
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SftunnelCaError('LAB_ADDRESS_IN_USE', `an address of the lab is in use: ${(error as Error).message}`, { step: 'start-lab', cause: error });
    }
    throw error;
  }
}

class RunningLab implements Lab {
  readonly dir: string;
  readonly layout: ApplianceLayout;
  readonly clock: LabClock;
  readonly #emulator: SftunnelEmulator;
  readonly #members: ReadonlyMap<string, Member>;
  readonly #fmcNames: readonly string[];
  readonly #deviceNames: readonly string[];
  readonly #register: (params: RegisterDeviceParams | undefined) => Promise<LabAppliance>;
  #registering: Promise<unknown> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  constructor(init: {
    dir: string;
    layout: ApplianceLayout;
    clock: LabClock;
    emulator: SftunnelEmulator;
    members: ReadonlyMap<string, Member>;
    fmcNames: readonly string[];
    /** The devices' names, in order; registration appends to it. */
    deviceNames: readonly string[];
    register: (params: RegisterDeviceParams | undefined) => Promise<LabAppliance>;
  }) {
    this.dir = init.dir;
    this.layout = init.layout;
    this.clock = init.clock;
    this.#emulator = init.emulator;
    this.#members = init.members;
    this.#fmcNames = init.fmcNames;
    this.#deviceNames = init.deviceNames;
    this.#register = init.register;
  }

  get fmc(): LabAppliance {
    return this.appliance(this.#fmcNames[0] ?? '');
  }

  get secondaryFmc(): LabAppliance | undefined {
    const name = this.#fmcNames[1];
    return name === undefined ? undefined : this.appliance(name);
  }

  get devices(): readonly LabAppliance[] {
    return this.#deviceNames.map((n) => this.appliance(n));
  }

  get appliances(): readonly LabAppliance[] {
    return [...this.#fmcNames, ...this.#deviceNames].map((n) => this.appliance(n));
  }

  appliance(name: string): LabAppliance {
    return this.#member(name).runtime.info;
  }

  path(name: string, appliancePath: string): string {
    return onDisk(this.appliance(name).root, appliancePath);
  }

  readFile(name: string, appliancePath: string): Promise<string> {
    return readFile(this.path(name, appliancePath), 'utf8');
  }

  async messages(name: string): Promise<string> {
    const member = this.#member(name);
    await member.log.flush();
    const info = member.runtime.info;
    return this.readFile(name, info.role === 'fmc' ? this.layout.fmc.messagesLog : this.layout.ftd.messagesLog);
  }

  tunnel(device: string, manager?: string): TunnelStatus {
    const wanted = manager ?? this.#fmcNames[0];
    const found = this.#emulator.deviceTunnels(this.appliance(device).name).find((t) => t.manager === wanted);
    if (found === undefined) throw new SftunnelCaError('LAB_UNKNOWN_APPLIANCE', `${device} has no tunnel to ${String(wanted)}`, { host: device });
    return found;
  }

  tunnels(): readonly TunnelStatus[] {
    return this.#emulator.all();
  }

  sshConnections(name: string): number {
    return this.#member(name).ssh?.accepted ?? 0;
  }

  async restartTunnel(name: string): Promise<void> {
    const runtime = this.#member(name).runtime;
    await runtime.services.restartSftunnel(runtime);
  }

  async dropTunnel(device: string, reason?: string): Promise<void> {
    await this.#emulator.drop(this.appliance(device).name, reason);
  }

  async setFaults(name: string, faults: ApplianceFaults): Promise<void> {
    const member = this.#member(name);
    member.runtime.faults = { ...faults };
    member.runtime.armedEventsSeen = 0;
    await member.ssh?.applyFaults();
  }

  devicesCsv(params: LabDevicesCsvParams): string {
    return formatLabDevicesCsv(params.appliances ?? this.devices, params);
  }

  registerDevice(params?: RegisterDeviceParams): Promise<LabAppliance> {
    if (this.#stopping !== undefined) return Promise.reject(new SftunnelCaError('INVALID_ARGUMENT', 'the lab is stopped: no device can register with it', { step: 'register-device' }));
    const next = this.#registering.then(() => this.#register(params));
    this.#registering = next.catch(() => undefined);
    return next;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#registering;
      await Promise.all([...this.#members.values()].map((m) => m.ssh?.stop()));
      await this.#emulator.stop();
      await Promise.all([...this.#members.values()].map((m) => m.log.flush()));
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.#stopping;
  }

  #member(name: string): Member {
    const member = this.#members.get(name);
    if (member === undefined) throw new SftunnelCaError('LAB_UNKNOWN_APPLIANCE', `the lab has no appliance named ${JSON.stringify(name)}`, { step: 'lab' });
    return member;
  }
}
