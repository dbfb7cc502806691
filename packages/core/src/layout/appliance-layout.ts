import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { isUuid } from '../identity/uuid.js';

/** Where the FMC keeps what renewal reads and writes (absolute paths). */
export interface FmcLayout {
  /** InternalCA certificate. Default `/etc/sf/ca_root/cacert.pem`. */
  readonly caCertificate: string;
  /** InternalCA's CRL. Default `/etc/sf/ca_root/crl.pem`. */
  readonly caCrl: string;
  /**
   * InternalCA's private key, with which the FMC signs the certificate of every device it registers.
   * Default `/etc/sf/ca_root/cakey.pem` (the lab's; where a real FMC keeps it is not public: point
   * this at it when it differs). A renewal installs the new CA's key here together with the CA.
   */
  readonly caKey: string;
  /** The FMC's own sftunnel certificate. Default `/etc/sf/keys/sftunnel-cert.pem`. */
  readonly sftunnelCertificate: string;
  /** The FMC's own sftunnel key. Default `/etc/sf/keys/sftunnel-key.pem`. */
  readonly sftunnelKey: string;
  /** Tunnel configuration. Default `/etc/sf/sftunnel.conf`. */
  readonly sftunnelConf: string;
  /** One directory per managed device, named after its UUID. Default `/var/sf/peers`. */
  readonly peersDirectory: string;
  /** The subdirectory of a device's peer directory that holds what the FMC made for it. Default `certs_pushed`. */
  readonly certsPushedDirectoryName: string;
  /** Where generate_certs.pl leaves `<unix-time>/FAILED_PUSH`. Default `/var/tmp/certs`. */
  readonly failedPushDirectory: string;
  /** The name of the file of failed pushes. Default `FAILED_PUSH`. */
  readonly failedPushFileName: string;
  /** The renewal's log. Default `/var/log/sf/sfca_generation.log`. */
  readonly renewalLog: string;
  /** The FMC's messages log. Default `/var/log/messages`. */
  readonly messagesLog: string;
}

/** Where an FTD keeps its copy of the FMC's files (absolute paths). */
export interface FtdLayout {
  /** One directory per manager, named after the FMC's UUID. Default `/var/sf/peers`. */
  readonly peersDirectory: string;
  /** The FTD's messages log. Default `/ngfw/var/log/messages`. */
  readonly messagesLog: string;
}

/** The names of the three files renewal delivers into a peer directory. */
export interface PeerFileNames {
  /** Default `cacert.pem`. */
  readonly caCertificate: string;
  /** Default `sftunnel-cert.pem`. */
  readonly sftunnelCertificate: string;
  /** Default `sftunnel-key.pem`. */
  readonly sftunnelKey: string;
}

/**
 * Every FMC and FTD path renewal touches, with the vendor's defaults. Where a real
 * appliance differs, override it with {@link defineApplianceLayout}.
 */
export interface ApplianceLayout {
  /** Paths on the FMC. */
  readonly fmc: FmcLayout;
  /** Paths on each FTD. */
  readonly ftd: FtdLayout;
  /** Names of the delivered files. */
  readonly peerFiles: PeerFileNames;
  /** Owner of the delivered files on the FTD. Default `root`. */
  readonly peerFileOwner: string;
  /** Group of the delivered files on the FTD. Default `root`. */
  readonly peerFileGroup: string;
  /** Mode of the delivered files on the FTD. Default `0o644`. */
  readonly peerFileMode: number;
  /** Suffix of the manual method's backups (`cacert.pem.backup`). Default `.backup`. */
  readonly backupSuffix: string;
}

/** Overrides of {@link defineApplianceLayout}: any subset of {@link ApplianceLayout}, group by group. */
export type ApplianceLayoutOverrides = {
  readonly [K in keyof ApplianceLayout]?: ApplianceLayout[K] extends object ? Partial<ApplianceLayout[K]> : ApplianceLayout[K];
};

/** The three delivered files of one FTD's peer directory. */
export interface FtdPeerFiles {
  /** `/var/sf/peers/<FMC-UUID>`. */
  readonly directory: string;
  /** `…/cacert.pem`. */
  readonly caCertificate: string;
  /** `…/sftunnel-cert.pem`. */
  readonly sftunnelCertificate: string;
  /** `…/sftunnel-key.pem`. */
  readonly sftunnelKey: string;
}

/** The certificate and key the FMC made for one device. */
export interface FmcPushedFiles {
  /** `/var/sf/peers/<FTD-UUID>/certs_pushed`. */
  readonly directory: string;
  /** `…/sftunnel-cert.pem`. */
  readonly sftunnelCertificate: string;
  /** `…/sftunnel-key.pem`. */
  readonly sftunnelKey: string;
}

/** The vendor's layout, as described in the tech note. */
export const DEFAULT_APPLIANCE_LAYOUT: ApplianceLayout = deepFreeze({
  fmc: {
    caCertificate: '/etc/sf/ca_root/cacert.pem',
    caCrl: '/etc/sf/ca_root/crl.pem',
    caKey: '/etc/sf/ca_root/cakey.pem',
    sftunnelCertificate: '/etc/sf/keys/sftunnel-cert.pem',
    sftunnelKey: '/etc/sf/keys/sftunnel-key.pem',
    sftunnelConf: '/etc/sf/sftunnel.conf',
    peersDirectory: '/var/sf/peers',
    certsPushedDirectoryName: 'certs_pushed',
    failedPushDirectory: '/var/tmp/certs',
    failedPushFileName: 'FAILED_PUSH',
    renewalLog: '/var/log/sf/sfca_generation.log',
    messagesLog: '/var/log/messages',
  },
  ftd: {
    peersDirectory: '/var/sf/peers',
    messagesLog: '/ngfw/var/log/messages',
  },
  peerFiles: {
    caCertificate: 'cacert.pem',
    sftunnelCertificate: 'sftunnel-cert.pem',
    sftunnelKey: 'sftunnel-key.pem',
  },
  peerFileOwner: 'root',
  peerFileGroup: 'root',
  peerFileMode: 0o644,
  backupSuffix: '.backup',
});

/** The fields of {@link FmcLayout} that are file names, not paths. */
const FMC_FILE_NAMES = new Set(['certsPushedDirectoryName', 'failedPushFileName']);

/**
 * The vendor's layout with some paths replaced, checked and frozen.
 *
 * @param overrides - the paths and names that differ on your appliances
 * @param base - the layout to start from (default {@link DEFAULT_APPLIANCE_LAYOUT})
 * @throws SftunnelCaError `INVALID_ARGUMENT` when a path is not absolute and normalised, or a
 *   file name contains `/`
 *
 * @example
 * ```ts
 * const layout = defineApplianceLayout({ ftd: { messagesLog: '/var/log/messages' } });
 * ftdPeerFiles(layout, fmcUuid).caCertificate; // '/var/sf/peers/<fmcUuid>/cacert.pem'
 * ```
 */
export function defineApplianceLayout(
  overrides: ApplianceLayoutOverrides = {},
  base: ApplianceLayout = DEFAULT_APPLIANCE_LAYOUT,
): ApplianceLayout {
  const layout: ApplianceLayout = {
    ...base,
    ...overrides,
    fmc: { ...base.fmc, ...overrides.fmc },
    ftd: { ...base.ftd, ...overrides.ftd },
    peerFiles: { ...base.peerFiles, ...overrides.peerFiles },
  };
  for (const [field, value] of Object.entries(layout.fmc)) checkLayoutEntry(`fmc.${field}`, value, FMC_FILE_NAMES.has(field));
  for (const [field, value] of Object.entries(layout.ftd)) checkLayoutEntry(`ftd.${field}`, value, false);
  for (const [field, value] of Object.entries(layout.peerFiles)) checkLayoutEntry(`peerFiles.${field}`, value, true);
  const mode = layout.peerFileMode;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `peerFileMode must be permission bits such as 0o644, not ${String(mode)}`, { step: 'layout' });
  }
  return deepFreeze(layout);
}

/**
 * The directory an FTD keeps for its FMC and the three files renewal delivers into it.
 *
 * @param layout - the appliance layout
 * @param fmcUuid - the FMC's UUID (the CN of its InternalCA)
 * @throws SftunnelCaError `INVALID_UUID` when `fmcUuid` is not a UUID (so no path can escape the peers directory)
 *
 * @example
 * ```ts
 * ftdPeerFiles(DEFAULT_APPLIANCE_LAYOUT, 'cdb123c8-4347-11ef-aca1-f3aa241412a1').caCertificate;
 * // '/var/sf/peers/cdb123c8-4347-11ef-aca1-f3aa241412a1/cacert.pem'
 * ```
 */
export function ftdPeerFiles(layout: ApplianceLayout, fmcUuid: string): FtdPeerFiles {
  const directory = peerDirectory(layout.ftd.peersDirectory, fmcUuid);
  return {
    directory,
    caCertificate: posix.join(directory, layout.peerFiles.caCertificate),
    sftunnelCertificate: posix.join(directory, layout.peerFiles.sftunnelCertificate),
    sftunnelKey: posix.join(directory, layout.peerFiles.sftunnelKey),
  };
}

/**
 * The directory an FMC of an HA pair keeps for its HA peer FMC, and the three files the peer's
 * copy step delivers into it (the peer's InternalCA, and the certificate and key the peer made for
 * this FMC): the FMC's peers directory, the same files an FTD holds for its FMC.
 *
 * @param layout - the appliance layout
 * @param peerFmcUuid - the HA peer FMC's UUID (the CN of its InternalCA)
 * @throws SftunnelCaError `INVALID_UUID` when `peerFmcUuid` is not a UUID
 *
 * @example
 * ```ts
 * fmcHaPeerFiles(DEFAULT_APPLIANCE_LAYOUT, 'cdb123c8-4347-11ef-aca1-f3aa241412a1').caCertificate;
 * // '/var/sf/peers/cdb123c8-4347-11ef-aca1-f3aa241412a1/cacert.pem' (on the other FMC of the pair)
 * ```
 */
export function fmcHaPeerFiles(layout: ApplianceLayout, peerFmcUuid: string): FtdPeerFiles {
  return ftdPeerFiles({ ...layout, ftd: { ...layout.ftd, peersDirectory: layout.fmc.peersDirectory } }, peerFmcUuid);
}

/**
 * Where the FMC keeps the certificate and key it made for one device.
 *
 * @param layout - the appliance layout
 * @param ftdUuid - the device's UUID
 * @throws SftunnelCaError `INVALID_UUID` when `ftdUuid` is not a UUID
 *
 * @example
 * ```ts
 * fmcPushedFiles(DEFAULT_APPLIANCE_LAYOUT, 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e').sftunnelKey;
 * // '/var/sf/peers/c8d5d5c6-87c9-11ef-a993-b9831565bc4e/certs_pushed/sftunnel-key.pem'
 * ```
 */
export function fmcPushedFiles(layout: ApplianceLayout, ftdUuid: string): FmcPushedFiles {
  const directory = posix.join(peerDirectory(layout.fmc.peersDirectory, ftdUuid), layout.fmc.certsPushedDirectoryName);
  return {
    directory,
    sftunnelCertificate: posix.join(directory, layout.peerFiles.sftunnelCertificate),
    sftunnelKey: posix.join(directory, layout.peerFiles.sftunnelKey),
  };
}

/**
 * The FAILED_PUSH file of the run that started at `unixTime`: `/var/tmp/certs/<unix-time>/FAILED_PUSH`.
 *
 * @param layout - the appliance layout
 * @param unixTime - the run's directory name, seconds since 1970
 */
export function failedPushPath(layout: ApplianceLayout, unixTime: number): string {
  if (!Number.isSafeInteger(unixTime) || unixTime < 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `a FAILED_PUSH directory is named by a unix time in whole seconds, not ${unixTime}`, { step: 'layout' });
  }
  return posix.join(layout.fmc.failedPushDirectory, String(unixTime), layout.fmc.failedPushFileName);
}

function peerDirectory(peersDirectory: string, uuid: string): string {
  if (!isUuid(uuid)) {
    throw new SftunnelCaError('INVALID_UUID', `a peer directory is named by a UUID; ${JSON.stringify(uuid)} is not one`, { step: 'layout' });
  }
  return posix.join(peersDirectory, uuid);
}

function checkLayoutEntry(field: string, value: string, isFileName: boolean): void {
  const valid = isFileName
    ? value !== '' && value !== '.' && value !== '..' && !value.includes('/')
    : value.startsWith('/') && posix.normalize(value) === value && (value === '/' || !value.endsWith('/'));
  if (!valid || value.includes('\0')) {
    const shape = isFileName ? 'a file name without `/`' : 'an absolute, normalised path without a trailing `/`';
    throw new SftunnelCaError('INVALID_ARGUMENT', `layout ${field} must be ${shape}, not ${JSON.stringify(value)}`, { step: 'layout' });
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
}
