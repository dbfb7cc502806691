import { createHash } from 'node:crypto';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import type { ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import { assertKeyMatchesCertificate } from '../pki/key-certificate-match.js';
import type { DeviceRun } from './device-run.js';
import { remoteDigests } from './remote-digest.js';
import type { DeviceStep } from './renewal-result.js';

const decoder = new TextDecoder();

/** A file to write on a device: where, what, and its sha256. */
export interface DeviceFile {
  readonly destination: string;
  readonly content: string;
  readonly sha256: string;
}

/** What {@link deliverFiles} records of a device: what it held, the backups kept, whether it held the files already. */
export type DeliveredFilesState = Pick<DeviceRun, 'before' | 'backups' | 'alreadyDelivered'>;

/**
 * One device's files: record what it holds, back up and replace its three files (atomically,
 * with the appliance's owner and mode), and verify them there. The set is checked before anything
 * is written: the CA is `newCa`, the certificate chains to it, the key is the certificate's.
 * Shared by delivery and the copy run from a devices.csv.
 *
 * @param host - the device, as root
 * @param run - where to record what it held and the backups kept
 * @param files - its CA, certificate and key, in that order
 * @param newCa - the InternalCA the files must belong to
 * @param now - for the chain's validity
 * @param signal - aborts the device's operations
 * @param step - reports the step reached
 * @param layout - the appliance's owner, group and mode of the files
 * @throws SftunnelCaError `NOT_ISSUED_BY_CA` or a chain or key error of the PKI when the set is not consistent, `INTEGRITY_MISMATCH` when a device does not hold it after writing
 */
export async function deliverFiles(
  host: Host,
  run: DeliveredFilesState,
  files: readonly DeviceFile[],
  newCa: Certificate,
  now: Date,
  signal: AbortSignal,
  step: (step: DeviceStep) => void,
  layout: ApplianceLayout,
): Promise<void> {
  const [ca, certificate, key] = files;
  if (ca === undefined || certificate === undefined || key === undefined) throw new Error('unreachable: a device has three files');
  // The set is checked before anything is written: the CA is the new one, the certificate chains to it, the key is the certificate's.
  const newCertificate = Certificate.fromPem(certificate.content, certificate.destination);
  if (Certificate.fromPem(ca.content, ca.destination).fingerprintSha256 !== newCa.fingerprintSha256) {
    throw new SftunnelCaError('NOT_ISSUED_BY_CA', `the CA staged for ${host.name} is not the new InternalCA`, { host: host.name, step: 'verify' });
  }
  await verifyIssuedBy(newCertificate, newCa, { now, source: certificate.destination });
  assertKeyMatchesCertificate(key.content, newCertificate, key.destination);

  step('inspect');
  const current = await Promise.all(files.map((file) => readIfPresent(host, file.destination, signal)));
  run.before = { caFingerprintSha256: fingerprintOf(current[0]), certificateFingerprintSha256: fingerprintOf(current[1]) };
  const toWrite = files.filter((file, i) => current[i] === undefined || sha256(current[i] ?? '') !== file.sha256);
  run.alreadyDelivered = toWrite.length === 0;
  if (toWrite.length > 0) step('write');
  for (const file of toWrite) {
    const written = await host.writeFileAtomic(file.destination, file.content, { signal, backup: true, mode: layout.peerFileMode, owner: layout.peerFileOwner, group: layout.peerFileGroup });
    if (written.backupPath !== undefined) run.backups[file.destination] = written.backupPath;
  }
  // On the device: the bytes checked above, with the appliance's mode (two commands for the three files).
  step('verify');
  const digests = await remoteDigests(host, files.map((f) => f.destination), 'verify');
  for (const file of files) {
    const found = digests.get(file.destination);
    if (found?.sha256 !== file.sha256 || found.mode !== layout.peerFileMode) {
      throw new SftunnelCaError(
        'INTEGRITY_MISMATCH',
        `${file.destination} on ${host.name} ${found === undefined ? 'is missing' : found.sha256 !== file.sha256 ? 'does not hold the staged content' : `has mode ${found.mode.toString(8)}`} after writing`,
        { host: host.name, step: 'verify', file: file.destination },
      );
    }
  }
}

/** A file's text, or `undefined` when it does not exist. */
async function readIfPresent(host: Host, path: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return decoder.decode(await host.readFile(path, { signal }));
  } catch (error) {
    if (isSftunnelCaError(error, 'FILE_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** The fingerprint of a certificate file's text; `undefined` for none or a damaged one (replaced all the same). */
function fingerprintOf(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  try {
    return Certificate.fromPem(pem).fingerprintSha256;
  } catch (error) {
    if (isSftunnelCaError(error, 'PEM_INVALID')) return undefined;
    throw error;
  }
}

/** The sha256 of a text, in hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
