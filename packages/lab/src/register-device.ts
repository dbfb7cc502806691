import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  Certificate,
  InternalCA,
  SerialNumberSequence,
  SftunnelCaError,
  fmcPushedFiles,
  ftdPeerFiles,
  importRsaPrivateKey,
  issueSftunnelCertificate,
  type ApplianceLayout,
  type IssuedCertificate,
  type RsaKeyPair,
} from '@sftunnel-ca/core';
import { onDisk, writeFmcPeerIdentities, writeFtdFiles, type ApplianceIdentity, type ManagerFiles } from './appliance-files.js';
import type { ApplianceRuntime, LabAppliance } from './appliance.js';
import type { LabClock } from './lab-clock.js';
import type { SftunnelEmulator } from './sftunnel-emulator.js';
import type { SftunnelLog } from './sftunnel-log.js';

/** Parameters of `Lab.registerDevice`: everything not given is generated. */
export interface RegisterDeviceParams {
  /** The new device's name; default `FTD-<n>`, the next free one. */
  readonly name?: string;
  /** Its UUID; default a random one. */
  readonly uuid?: string;
}

/** A device the lab made for registration, not yet reachable: its runtime and messages log. */
export interface RegisteredMember {
  readonly runtime: ApplianceRuntime;
  readonly log: SftunnelLog;
}

/**
 * What a running lab lends {@link registerLabDevice}: its paths, clock, keys, tunnels and FMCs,
 * and how it makes, and later starts, the new device's SSH endpoint.
 */
export interface DeviceRegistrationSite {
  readonly layout: ApplianceLayout;
  readonly clock: LabClock;
  /** The lab's key pool (the new device's key comes from it). */
  readonly keys: readonly RsaKeyPair[];
  readonly emulator: SftunnelEmulator;
  /** The lab's FMCs: the primary first, then its HA peer. */
  readonly managers: readonly ApplianceRuntime[];
  /** Whether an appliance of the lab has this name. */
  nameTaken(name: string): boolean;
  /** Whether a device of the lab has this UUID. */
  uuidTaken(uuid: string): boolean;
  /** The next device's place: its default name (`FTD-<n>`), its loopback address, its index among the lab's devices. */
  nextDevice(): { readonly name: string; readonly address: string; readonly index: number };
  /** Makes the device's runtime and log and counts it among the lab's devices (SSH not started yet). */
  addDevice(id: { readonly name: string; readonly uuid: string }, address: string): RegisteredMember;
  /** Starts the device's SSH endpoint. */
  startSsh(member: RegisteredMember): Promise<void>;
}

async function put(root: string, appliancePath: string, content: string, mode: number): Promise<void> {
  const path = onDisk(root, appliancePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode });
}

/** The serial after every serial the FMC's live certificates show: its own and each device's `certs_pushed/`. */
async function nextSerial(fmc: ApplianceRuntime, layout: ApplianceLayout): Promise<bigint> {
  const root = fmc.info.root;
  const peers = await readdir(onDisk(root, layout.fmc.peersDirectory)).catch(() => [] as string[]);
  const paths = [layout.fmc.sftunnelCertificate, ...peers.map((uuid) => fmcPushedFiles(layout, uuid).sftunnelCertificate)];
  let highest = 1n;
  for (const path of paths) {
    const pem = await readFile(onDisk(root, path), 'utf8').catch(() => undefined);
    if (pem === undefined) continue;
    try {
      const serial = Certificate.fromPem(pem, path).serialNumber;
      if (serial > highest) highest = serial;
    } catch {
      // A file that is not a certificate (a test broke it on purpose) holds no serial.
    }
  }
  return highest + 1n;
}

/**
 * The FMC's signer as the appliance has it: the live InternalCA certificate and whatever key is
 * at `layout.fmc.caKey`, whether or not that key is the certificate's. A stale key signs
 * certificates that do not verify against the CA, as on a real FMC whose key was never installed.
 */
async function fmcSigner(fmc: ApplianceRuntime, layout: ApplianceLayout): Promise<InternalCA> {
  const root = fmc.info.root;
  const certificatePem = await readFile(onDisk(root, layout.fmc.caCertificate), 'utf8');
  const keyPem = await readFile(onDisk(root, layout.fmc.caKey), 'utf8');
  const certificate = Certificate.fromPem(certificatePem, layout.fmc.caCertificate);
  const serials = new SerialNumberSequence(await nextSerial(fmc, layout));
  let key = await importRsaPrivateKey(keyPem, { source: layout.fmc.caKey });
  const probe = new InternalCA({ certificate, privateKey: key.privateKey, publicKey: key.publicKey, keyForm: key.form, serials });
  if (probe.signatureHash === 'SHA-256') return probe;
  key = await importRsaPrivateKey(keyPem, { source: layout.fmc.caKey, hash: probe.signatureHash });
  return new InternalCA({ certificate, privateKey: key.privateKey, publicKey: key.publicKey, keyForm: key.form, serials });
}

/**
 * Registers a new FTD with a running lab's FMC(s), as the appliance does when a device is added:
 * each FMC signs the device's sftunnel certificate with the CA key it holds at `layout.fmc.caKey`
 * (under its live `cacert.pem`'s name, with the next serial above those it shows) and writes
 * `/var/sf/peers/<FTD-UUID>/certs_pushed/` and `sftunnel.json`; the device gets a real SSH
 * endpoint on the lab's next loopback address and, for each FMC, `/var/sf/peers/<FMC-UUID>/`
 * with that FMC's live `cacert.pem` and the pair just signed. Its tunnels then try the mutual TLS
 * handshake with what each side holds: a stale CA key on the FMC shows as a tunnel that fails
 * (`NOT_ISSUED_BY_CA`).
 *
 * @param site - what the running lab lends
 * @param params - the device's name and UUID
 * @returns the new device
 * @throws SftunnelCaError `INVALID_ARGUMENT` for a name or UUID already in the lab; `CERTIFICATE_EXPIRED` when an FMC's InternalCA has expired (it cannot sign)
 */
export async function registerLabDevice(site: DeviceRegistrationSite, params: RegisterDeviceParams = {}): Promise<LabAppliance> {
  const { layout, clock } = site;
  const next = site.nextDevice();
  const name = params.name ?? next.name;
  const uuid = params.uuid ?? randomUUID();
  if (site.nameTaken(name) || site.uuidTaken(uuid)) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `the lab already has an appliance named ${JSON.stringify(name)} or a device with UUID ${uuid}; register the device under a name and UUID of its own`, { step: 'register-device', host: name });
  }
  const now = clock.now();
  const key = site.keys[(next.index + 1) % site.keys.length];
  // Each FMC signs first, as the FMC issues the certificate and pushes it at registration.
  const issued: IssuedCertificate[] = [];
  for (const fmc of site.managers) {
    const ca = await fmcSigner(fmc, layout);
    issued.push(await issueSftunnelCertificate({ ca, peerUuid: uuid, now, ...(key === undefined ? {} : { keys: key }) }));
  }
  const address = next.address;
  const member = site.addDevice({ name, uuid }, address);
  const identity: ApplianceIdentity = { uuid, name, address };
  const managers: ManagerFiles[] = [];
  for (const [i, fmc] of site.managers.entries()) {
    const made = issued[i] as IssuedCertificate;
    const root = fmc.info.root;
    const pushed = fmcPushedFiles(layout, uuid);
    await put(root, pushed.sftunnelCertificate, made.certificate.pem, 0o644);
    await put(root, pushed.sftunnelKey, made.privateKeyPem, 0o600);
    await writeFmcPeerIdentities(root, layout, [identity]);
    const caCertificatePem = await readFile(onDisk(root, layout.fmc.caCertificate), 'utf8');
    managers.push({ uuid: fmc.info.uuid, name: fmc.info.name, address: fmc.info.address, caCertificatePem, certificatePem: made.certificate.pem, keyPem: made.privateKeyPem });
  }
  const deviceRoot = member.runtime.info.root;
  await writeFtdFiles(deviceRoot, layout, identity, managers);
  for (const fmc of site.managers) {
    const peer = ftdPeerFiles(layout, fmc.info.uuid);
    site.emulator.addTunnel({ name, address, log: member.log }, fmc.info.name, {
      caCertificate: onDisk(deviceRoot, peer.caCertificate),
      certificate: onDisk(deviceRoot, peer.sftunnelCertificate),
      key: onDisk(deviceRoot, peer.sftunnelKey),
    });
  }
  await site.startSsh(member);
  await site.emulator.connect(name);
  return member.runtime.info;
}

