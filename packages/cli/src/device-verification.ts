import { createHash } from 'node:crypto';
import {
  Certificate,
  fmcPushedFiles,
  ftdPeerFiles,
  isSftunnelCaError,
  keyMatchesCertificate,
  verifyIssuedBy,
  type FmcInspection,
  type Host,
  type InspectedDevice,
  type SftunnelPeerState,
} from '@sftunnel-ca/core';

/** One check of a device: passed, or why not. */
export interface VerificationCheck {
  /** Whether it passed. */
  readonly ok: boolean;
  /** Why it failed (a code and message), when it did. */
  readonly problem?: string;
}

/** What `verify` found on one device. */
export interface DeviceVerification {
  /** Its UUID (its peer directory on the FMC). */
  readonly uuid: string;
  /** Its name. */
  readonly name: string;
  /** Its address. */
  readonly address: string;
  /** Every check passed. */
  readonly ok: boolean;
  /** Its three files hold, byte for byte, the FMC's current CA and the certificate and key the FMC made for it. */
  readonly files: VerificationCheck;
  /** Its certificate is issued by the FMC's current InternalCA and valid now. */
  readonly chain: VerificationCheck;
  /** Its key is its certificate's. */
  readonly key: VerificationCheck;
  /** Its tunnel as the FMC's sftunnel_status.pl shows it (`up` passes). */
  readonly tunnel: SftunnelPeerState | 'unknown';
  /** Why the device could not be checked at all (connecting, reading), when it could not. */
  readonly error?: string;
}

/** What the FMC holds for its devices: the CA's PEM and each device's pushed pair, read once. */
export interface FmcReference {
  /** The FMC as inspected. */
  readonly inspection: FmcInspection;
  /** Its live InternalCA, as the file holds it. */
  readonly caPem: string;
  /** Its tunnels by device address. */
  readonly tunnels: ReadonlyMap<string, SftunnelPeerState>;
  /** The certificate and key the FMC made for a device (`certs_pushed`). */
  pair(uuid: string): Promise<{ readonly certificate: string; readonly key: string }>;
}

const decoder = new TextDecoder();
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * What the FMC expects each device to hold, for {@link verifyDevice}.
 *
 * @param fmc - the FMC, as root
 * @param inspection - from inspectFmc
 * @param tunnels - the FMC's tunnels by device address
 */
export async function readFmcReference(fmc: Host, inspection: FmcInspection, tunnels: ReadonlyMap<string, SftunnelPeerState>): Promise<FmcReference> {
  const read = async (path: string): Promise<string> => decoder.decode(await fmc.readFile(path));
  return {
    inspection,
    caPem: await read(inspection.livePaths.caCertificate),
    tunnels,
    async pair(uuid) {
      const pushed = fmcPushedFiles(inspection.layout, uuid);
      return { certificate: await read(pushed.sftunnelCertificate), key: await read(pushed.sftunnelKey) };
    },
  };
}

/**
 * Checks one device after a renew or a copy: its three files' hashes against the FMC's, its
 * certificate's chain to the current InternalCA, its key against its certificate, its tunnel.
 * Never throws: a device that cannot be read is recorded with its error.
 *
 * @param host - the device, as root
 * @param device - the FMC's record of it
 * @param reference - from {@link readFmcReference}
 * @param now - the moment of the check
 */
export async function verifyDevice(host: Host, device: InspectedDevice & { readonly name: string; readonly address: string }, reference: FmcReference, now: Date): Promise<DeviceVerification> {
  const tunnel: DeviceVerification['tunnel'] = reference.tunnels.get(device.address) ?? 'unknown';
  const identity = { uuid: device.uuid, name: device.name, address: device.address, tunnel };
  try {
    const paths = ftdPeerFiles(reference.inspection.layout, reference.inspection.fmcUuid);
    const [ca, certificate, key] = await Promise.all([paths.caCertificate, paths.sftunnelCertificate, paths.sftunnelKey].map(async (path) => decoder.decode(await host.readFile(path))));
    const expected = await reference.pair(device.uuid);
    const differing = [
      [paths.caCertificate, ca, reference.caPem],
      [paths.sftunnelCertificate, certificate, expected.certificate],
      [paths.sftunnelKey, key, expected.key],
    ].flatMap(([path, held, wanted]) => (sha256(held ?? '') === sha256(wanted ?? '') ? [] : [path]));
    const files: VerificationCheck = differing.length === 0 ? { ok: true } : { ok: false, problem: `INTEGRITY_MISMATCH: ${differing.join(', ')} differ from the FMC’s` };
    const parsed = Certificate.fromPem(certificate ?? '', paths.sftunnelCertificate);
    const chain = await check(() => verifyIssuedBy(parsed, reference.inspection.ca.certificate, { now, source: paths.sftunnelCertificate }));
    const keyCheck: VerificationCheck = keyMatchesCertificate(key ?? '', parsed, paths.sftunnelKey) ? { ok: true } : { ok: false, problem: `KEY_CERT_MISMATCH: ${paths.sftunnelKey} is not the key of ${paths.sftunnelCertificate}` };
    return { ...identity, ok: files.ok && chain.ok && keyCheck.ok && tunnel === 'up', files, chain, key: keyCheck };
  } catch (error) {
    const failed: VerificationCheck = { ok: false, problem: 'not checked' };
    return { ...identity, ok: false, files: failed, chain: failed, key: failed, error: describe(error) };
  }
}

async function check(run: () => Promise<unknown>): Promise<VerificationCheck> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: describe(error) };
  }
}

function describe(error: unknown): string {
  if (isSftunnelCaError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
