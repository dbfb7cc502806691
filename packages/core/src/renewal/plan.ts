import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { PeerFileRole } from '../formats/failed-push.js';
import { ftdPeerFiles } from '../layout/appliance-layout.js';
import type { PrivateKeyPemForm } from '../pki/rsa-key.js';
import { summarizeCertificate, type CertificateSummary } from './certificate-summary.js';
import type { FmcInspection, FmcLivePaths, InspectedDevice } from './inspect.js';
import { SFTUNNEL_RESTART_COMMAND } from './sftunnel-control.js';
import { stagedDeviceFiles, stagedFmcFiles, stagingDirectoryFor } from './staging-layout.js';

/** Name and address of a device, for devices whose FMC peer directory has no `sftunnel.json`. */
export interface DeviceIdentity {
  /** The device's name (FAILED_PUSH, logs, results). */
  readonly name: string;
  /** The device's IP address (FAILED_PUSH, the FMC's tunnel status). */
  readonly address: string;
}

/** Options of {@link planRenewal}. */
export interface PlanRenewalOptions {
  /** The moment of the plan: names the staging directory (`/var/tmp/certs/<unix-time>/`) and the verdicts. */
  readonly now: Date;
  /** How many devices go first as canaries (the first in plan order: the FMC's peer directories, by UUID); default 0. */
  readonly canary?: number;
  /** Names and addresses by device UUID; they override `sftunnel.json`. */
  readonly inventory?: Readonly<Record<string, DeviceIdentity>>;
  /** Renew only these devices (UUIDs or names); default all the FMC knows. */
  readonly only?: readonly string[];
  /**
   * Devices left out on purpose (UUIDs or names): their new pair is generated and staged and the
   * FMC's record of them (`certs_pushed`) switched with the FMC, but nothing is delivered to them;
   * they are listed in FAILED_PUSH for a copy run and drop at their next reconnect until copied.
   * Every device the FMC manages must be planned or left out before the FMC may switch
   * ({@link assertPlanCoverage}).
   */
  readonly leaveOut?: readonly string[];
  /**
   * The staging directory; default `/var/tmp/certs/<unix-time of now>`. Give the directory of an
   * earlier prepare to resume it, or (with `only`) the directory of a FAILED_PUSH to copy the
   * files of the devices it lists: a copy run.
   */
  readonly stagingDirectory?: string;
}

/** One file the plan delivers to a device. */
export interface PlannedFile {
  /** Which of the three files. */
  readonly role: PeerFileRole;
  /** Where it is staged on the FMC. */
  readonly source: string;
  /** Where it goes on the device. */
  readonly destination: string;
  /** Where the replaced file is kept on the device. */
  readonly backup: string;
}

/** One device of a {@link RenewalPlan}. */
export interface PlannedDevice {
  /** Its UUID. */
  readonly uuid: string;
  /** Its name. */
  readonly name: string;
  /** Its address. */
  readonly address: string;
  /** Whether it is one of the canaries, delivered and verified before any other device starts. */
  readonly canary: boolean;
  /** Whether it was left out on purpose: its files are staged and listed in FAILED_PUSH, not delivered. */
  readonly leftOut: boolean;
  /** Its current certificate (the FMC's `certs_pushed` copy), the template of the new one. */
  readonly current: CertificateSummary;
  /** RSA modulus length of the new key (that of the current certificate). */
  readonly keySize: number;
  /** PEM form of the new key (that of the current key). */
  readonly keyForm: PrivateKeyPemForm;
  /** The three files, in the order they are written. */
  readonly files: readonly PlannedFile[];
  /** The command that restarts its tunnel. */
  readonly restart: string;
}

/** A renewal of one FMC and its devices, before anything is generated: serialisable (JSON) and printable. */
export interface RenewalPlan {
  /** The plan format's version. */
  readonly version: 1;
  /** The FMC. */
  readonly fmc: {
    /** The host inspected. */
    readonly host: string;
    /** Its UUID (the CN of its InternalCA). */
    readonly uuid: string;
    /** The InternalCA being replaced. */
    readonly ca: CertificateSummary;
    /** The FMC's own certificate being replaced. */
    readonly certificate: CertificateSummary;
    /** Every device the FMC knows (planned or not), by UUID, sorted: a prepared set is refused once this changes. */
    readonly deviceUuids: readonly string[];
  };
  /** The FMC's live files (from sftunnel.conf), replaced when the FMC switches. */
  readonly livePaths: FmcLivePaths;
  /** Where the new files are staged on the FMC. */
  readonly stagingDirectory: string;
  /** What is generated: one CA key, one FMC key, one key per device, a CRL. */
  readonly generate: { readonly caKeySize: number; readonly fmcKeySize: number; readonly deviceKeys: number; readonly crl: true };
  /** The devices, in delivery order: canaries first, those left out last. */
  readonly devices: readonly PlannedDevice[];
  /**
   * Devices the FMC manages that this plan neither delivers to nor leaves out on purpose: a run
   * that switches the FMC strands them (refused by {@link assertPlanCoverage}); a copy run, whose
   * FMC has switched already, may leave them for later.
   */
  readonly uncovered: readonly { readonly uuid: string; readonly name: string | undefined }[];
  /** The plan's moment, ISO 8601. */
  readonly plannedAt: string;
}


/**
 * Plans the renewal of one FMC from its inspection, changing nothing: what is generated, which
 * device gets which three files from where, which backups are kept and which restarts run, in
 * delivery order (canaries first). For an HA pair, plan (and renew) the primary, then the
 * secondary: each FMC has its own InternalCA and its own peer directory on every device.
 *
 * @param inspection - from {@link inspectFmc}
 * @param options - the clock, canaries, inventory and subset
 * @throws SftunnelCaError `RENEWAL_DEVICE_UNKNOWN` when a device has no name or address;
 *   `INVALID_ARGUMENT` for a bad canary count or an `only` entry that names no device
 *
 * @example
 * ```ts
 * const plan = planRenewal(await inspectFmc(fmc, { now }), { now, canary: 2, inventory });
 * console.log(formatRenewalPlan(plan));
 * writeFileSync('plan.json', JSON.stringify(plan, null, 2));
 * ```
 */
export function planRenewal(inspection: FmcInspection, options: PlanRenewalOptions): RenewalPlan {
  const { layout, fmcUuid } = inspection;
  const canary = options.canary ?? 0;
  if (!Number.isInteger(canary) || canary < 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `canary must be a whole number of devices, not ${String(canary)}`, { step: 'plan' });
  }
  const nameOf = (d: InspectedDevice): string | undefined => options.inventory?.[d.uuid]?.name ?? d.name;
  const named =
    (names: ReadonlySet<string>) =>
    (d: InspectedDevice): boolean => {
      const name = nameOf(d);
      return names.has(d.uuid) || (name !== undefined && names.has(name));
    };
  const only = options.only === undefined ? undefined : new Set(options.only);
  const leaveOut = new Set(options.leaveOut ?? []);
  const unknownLeftOut = [...leaveOut].filter((entry) => !inspection.devices.some(named(new Set([entry]))));
  if (unknownLeftOut.length > 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `leaveOut names ${unknownLeftOut.join(', ')}, not a device of ${inspection.host}`, { step: 'plan' });
  }
  const isLeftOut = named(leaveOut);
  const chosen = inspection.devices.filter((d) => !isLeftOut(d) && (only === undefined || named(only)(d)));
  if (only !== undefined && chosen.length === 0 && leaveOut.size === 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `none of ${[...only].join(', ')} is a device of ${inspection.host}`, { step: 'plan' });
  }
  const leftOut = inspection.devices.filter(isLeftOut);
  const uncovered = inspection.devices.filter((d) => !isLeftOut(d) && !chosen.includes(d)).map((d) => ({ uuid: d.uuid, name: nameOf(d) }));
  const stagingDirectory = options.stagingDirectory ?? stagingDirectoryFor(layout, options.now);
  const stagedCa = stagedFmcFiles(stagingDirectory, layout).caCertificate; // checks a staging directory given as an option
  const devices = [...chosen, ...leftOut].map((device, index): PlannedDevice => {
    const identity = options.inventory?.[device.uuid];
    const name = identity?.name ?? device.name;
    const address = identity?.address ?? device.address;
    if (name === undefined || address === undefined) {
      throw new SftunnelCaError('RENEWAL_DEVICE_UNKNOWN', `device ${device.uuid} has no ${name === undefined ? 'name' : 'address'}`, {
        host: inspection.host,
        step: 'plan',
      });
    }
    const destination = ftdPeerFiles(layout, fmcUuid);
    const staged = stagedDeviceFiles(stagingDirectory, layout, device.uuid);
    const sources: Record<PeerFileRole, string> = {
      caCertificate: stagedCa,
      sftunnelCertificate: staged.sftunnelCertificate,
      sftunnelKey: staged.sftunnelKey,
    };
    const roles: readonly PeerFileRole[] = ['caCertificate', 'sftunnelCertificate', 'sftunnelKey'];
    return {
      uuid: device.uuid,
      name,
      address,
      canary: index < canary && index < chosen.length,
      leftOut: index >= chosen.length,
      current: summarizeCertificate(device.pushedCertificate.certificate, options.now),
      keySize: device.pushedCertificate.certificate.modulusLength,
      keyForm: device.keyForm,
      files: roles.map((role) => ({ role, source: sources[role], destination: destination[role], backup: `${destination[role]}${layout.backupSuffix}` })),
      restart: SFTUNNEL_RESTART_COMMAND,
    };
  });
  return {
    version: 1,
    fmc: {
      host: inspection.host,
      uuid: fmcUuid,
      ca: summarizeCertificate(inspection.ca.certificate, options.now),
      certificate: summarizeCertificate(inspection.fmcCertificate.certificate, options.now),
      deviceUuids: inspection.devices.map((d) => d.uuid).sort(),
    },
    livePaths: inspection.livePaths,
    stagingDirectory,
    generate: {
      caKeySize: inspection.ca.certificate.modulusLength,
      fmcKeySize: inspection.fmcCertificate.certificate.modulusLength,
      deviceKeys: devices.length,
      crl: true,
    },
    devices,
    uncovered,
    plannedAt: options.now.toISOString(),
  };
}

/**
 * The plan as text for a terminal or a change ticket: the FMC and its CA, what is generated, then
 * one block per device with its files, backups and restart, in delivery order.
 *
 * @param plan - from {@link planRenewal}
 *
 * @example
 * ```ts
 * const plan = planRenewal(await inspectFmc(fmc, { now }), { now });
 * console.log(formatRenewalPlan(plan)); // for review before `prepareRenewal`
 * ```
 */
export function formatRenewalPlan(plan: RenewalPlan): string {
  const lines = [
    `FMC ${plan.fmc.host} (${plan.fmc.uuid})`,
    `  InternalCA ${plan.fmc.ca.fingerprintSha256} serial ${plan.fmc.ca.serial} notAfter ${plan.fmc.ca.notAfter} (${plan.fmc.ca.verdict}, ${plan.fmc.ca.days} days)`,
    `  generate: InternalCA (RSA ${plan.generate.caKeySize}), FMC certificate (RSA ${plan.generate.fmcKeySize}), ${plan.generate.deviceKeys} device certificates, CRL`,
    `  stage in ${plan.stagingDirectory}`,
    `  1. deliver each device's three files (backups kept), tunnels left running`,
    `  2. switch the FMC: ${plan.livePaths.caCertificate}, ${plan.livePaths.caCrl}, ${plan.livePaths.sftunnelCertificate}, ${plan.livePaths.sftunnelKey}; ${SFTUNNEL_RESTART_COMMAND}`,
    `  3. restart the tunnel of each device not back up, and verify`,
  ];
  if (plan.uncovered.length > 0) {
    lines.push(`  NOT COVERED: ${plan.uncovered.length} device(s) the FMC manages get no new files: ${plan.uncovered.map((d) => d.name ?? d.uuid).join(', ')}`);
    lines.push(`    switching the FMC would strand them; add them to the inventory or leave them out on purpose (--leave-out)`);
  }
  const leftOut = plan.devices.filter((d) => d.leftOut);
  if (leftOut.length > 0) {
    lines.push(`  LEFT OUT: ${leftOut.map((d) => d.name).join(', ')}: staged and listed in FAILED_PUSH, not delivered; they drop at their next reconnect until copied`);
  }
  for (const device of plan.devices) {
    lines.push(`device ${device.name} ${device.address} (${device.uuid})${device.canary ? ' [canary]' : ''}${device.leftOut ? ' [left out]' : ''}`);
    for (const file of device.files) lines.push(`  ${file.source} -> ${file.destination} (backup ${file.backup})`);
    lines.push(`  ${device.restart}`);
  }
  return `${lines.join('\n')}\n`;
}
