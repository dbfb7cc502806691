import { posix } from 'node:path';
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

/** The FMC-wide files of a staging directory. */
export function stagedFmcFiles(directory: string, layout: ApplianceLayout): StagedFmcFiles {
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

/** A device's files in a staging directory. */
export function stagedDeviceFiles(directory: string, layout: ApplianceLayout, deviceUuid: string): StagedDeviceFiles {
  const deviceDirectory = posix.join(directory, 'peers', assertUuid(deviceUuid, 'deviceUuid'));
  return {
    directory: deviceDirectory,
    sftunnelCertificate: posix.join(deviceDirectory, layout.peerFiles.sftunnelCertificate),
    sftunnelKey: posix.join(deviceDirectory, layout.peerFiles.sftunnelKey),
  };
}
