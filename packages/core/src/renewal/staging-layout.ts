import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { assertUuid } from '../identity/uuid.js';
import type { ApplianceLayout } from '../layout/appliance-layout.js';

/**
 * What a prepared renewal stages on the FMC, in `/var/tmp/certs/<unix-time>/` (the directory
 * generate_certs.pl uses for its run, so FAILED_PUSH sits beside it): the new InternalCA and its
 * key, the CRL, the FMC's certificate and key, one `peers/<FTD-UUID>/` pair per device, and
 * `manifest.json` (hashes and fingerprints only), written last so that its presence means the
 * staging is complete. Private keys are mode 0600 and never leave the FMC except to their device.
 */
export interface StagedFmcFiles {
  /** The staging directory. */
  readonly directory: string;
  /** New InternalCA. */
  readonly caCertificate: string;
  /** New InternalCA's key (0600). */
  readonly caKey: string;
  /** New CRL. */
  readonly caCrl: string;
  /** New FMC sftunnel certificate. */
  readonly sftunnelCertificate: string;
  /** New FMC sftunnel key (0600). */
  readonly sftunnelKey: string;
  /** The manifest. */
  readonly manifest: string;
}

/** A device's staged pair. */
export interface StagedDeviceFiles {
  /** `<staging>/peers/<FTD-UUID>`. */
  readonly directory: string;
  /** Its new certificate. */
  readonly sftunnelCertificate: string;
  /** Its new key (0600). */
  readonly sftunnelKey: string;
}

/** The staging directory of the run that starts at `now`: `<failedPushDirectory>/<unix-time>`. */
export function stagingDirectoryFor(layout: ApplianceLayout, now: Date): string {
  return posix.join(layout.fmc.failedPushDirectory, String(Math.floor(now.getTime() / 1000)));
}

const STAGING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks a staging directory given from outside (an option, a journal, a manifest) before
 * anything is read from it or written to it: it must be a directory of its own directly under the
 * layout's `/var/tmp/certs`, as generate_certs.pl stages. A renewal creates it mode 0700 and
 * writes keys into it, so `/var/tmp` or `/etc/sf` must never be taken for one.
 *
 * @throws SftunnelCaError `INVALID_ARGUMENT`
 */
function assertStagingDirectory(directory: string, layout: ApplianceLayout): void {
  const parent = layout.fmc.failedPushDirectory;
  const name = posix.basename(directory);
  if (directory !== posix.join(parent, name) || !STAGING_NAME.test(name)) {
    throw new SftunnelCaError(
      'INVALID_ARGUMENT',
      `the staging directory must be a directory of its own directly under ${parent}, written without a trailing slash (e.g. ${posix.join(parent, '1767225600')}), got ${JSON.stringify(directory)}`,
      { step: 'staging' },
    );
  }
}

/**
 * The FMC-wide files of a staging directory.
 *
 * @throws SftunnelCaError `INVALID_ARGUMENT` when `directory` is not a directory of its own under the layout's `/var/tmp/certs`
 */
export function stagedFmcFiles(directory: string, layout: ApplianceLayout): StagedFmcFiles {
  assertStagingDirectory(directory, layout);
  return {
    directory,
    caCertificate: posix.join(directory, layout.peerFiles.caCertificate),
    caKey: posix.join(directory, 'cakey.pem'),
    caCrl: posix.join(directory, 'crl.pem'),
    sftunnelCertificate: posix.join(directory, layout.peerFiles.sftunnelCertificate),
    sftunnelKey: posix.join(directory, layout.peerFiles.sftunnelKey),
    manifest: posix.join(directory, 'manifest.json'),
  };
}

/**
 * A device's files in a staging directory.
 *
 * @throws SftunnelCaError `INVALID_ARGUMENT` for a staging directory as {@link stagedFmcFiles}, or a device UUID that is not one
 */
export function stagedDeviceFiles(directory: string, layout: ApplianceLayout, deviceUuid: string): StagedDeviceFiles {
  assertStagingDirectory(directory, layout);
  const deviceDirectory = posix.join(directory, 'peers', assertUuid(deviceUuid, 'deviceUuid'));
  return {
    directory: deviceDirectory,
    sftunnelCertificate: posix.join(deviceDirectory, layout.peerFiles.sftunnelCertificate),
    sftunnelKey: posix.join(deviceDirectory, layout.peerFiles.sftunnelKey),
  };
}
