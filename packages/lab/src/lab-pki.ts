import {
  createCertificateRevocationList,
  createInternalCA,
  generateRsaKeyPair,
  issueSftunnelCertificate,
  type InternalCA,
  type IssuedCertificate,
  type RsaKeyPair,
} from '@sftunnel-ca/core';

/** The state a lab's InternalCA starts in, relative to the lab clock. */
export type LabCaState = 'valid' | 'expiring' | 'expired';

/** What {@link createLabPki} makes for one FMC and its devices. */
export interface LabPki {
  /** The FMC's InternalCA. */
  readonly ca: InternalCA;
  /** The CA's private key (PEM, the CA's key form). */
  readonly caKeyPem: string;
  /** The CA's CRL (PEM). */
  readonly crlPem: string;
  /** The FMC's own sftunnel certificate. */
  readonly fmc: IssuedCertificate;
  /** Each device's certificate, by device UUID. */
  readonly devices: ReadonlyMap<string, IssuedCertificate>;
  /** When the certificates were issued (lab time), a moment the whole chain was valid. */
  readonly issuedAt: Date;
}

/** Parameters of {@link createLabPki}. */
export interface CreateLabPkiParams {
  readonly fmcUuid: string;
  readonly deviceUuids: readonly string[];
  /** The lab time at start. */
  readonly now: Date;
  readonly caState: LabCaState;
  /** Days the CA has left (`expiring`, default 20) or has been expired (`expired`, default 5); unused for `valid` (one year old). */
  readonly caDays?: number;
  /** Keys cycled over the certificates (the CA gets a new key of its own). */
  readonly keys: readonly RsaKeyPair[];
}

const DAY_MS = 86_400_000;

/**
 * The moment the InternalCA was created so that at `now` it is `valid` (made a year ago),
 * `expiring` (notAfter `caDays` ahead) or `expired` (notAfter `caDays` ago). The CA lives ten years.
 */
export function caCreationTime(caState: LabCaState, now: Date, caDays?: number): Date {
  if (caState === 'valid') return new Date(now.getTime() - 365 * DAY_MS);
  const notAfter = new Date(now.getTime() + (caState === 'expiring' ? (caDays ?? 20) : -(caDays ?? 5)) * DAY_MS);
  const created = new Date(notAfter);
  created.setUTCFullYear(created.getUTCFullYear() - 10);
  return created;
}

/**
 * Makes the InternalCA, CRL, FMC certificate and one certificate per device of a lab FMC with
 * core's PKI, as the appliance would have made them when it was installed.
 *
 * @param params - identities, clock, CA state and keys
 */
export async function createLabPki(params: CreateLabPkiParams): Promise<LabPki> {
  const keys = params.keys;
  if (keys.length === 0) throw new TypeError('createLabPki needs at least one key');
  // Each InternalCA has a key of its own, so that no two CAs (HA peers, a renewal) verify each other's certificates.
  const caKeys = await generateRsaKeyPair({ modulusLength: 2048 });
  const createdAt = caCreationTime(params.caState, params.now, params.caDays);
  const ca = await createInternalCA({ fmcUuid: params.fmcUuid, now: createdAt, keys: caKeys, firstSerial: 2n });
  const issuedAt = new Date(createdAt.getTime() + 3_600_000);
  const issue = (peerUuid: string, index: number): Promise<IssuedCertificate> =>
    issueSftunnelCertificate({ ca, peerUuid, now: issuedAt, keys: keys[index % keys.length] });
  const fmc = await issue(params.fmcUuid, 0);
  const devices = new Map<string, IssuedCertificate>();
  const uuids = [...params.deviceUuids];
  for (let start = 0; start < uuids.length; start += 64) {
    const batch = uuids.slice(start, start + 64);
    const issued = await Promise.all(batch.map((uuid, i) => issue(uuid, start + i + 1)));
    batch.forEach((uuid, i) => devices.set(uuid, issued[i] as IssuedCertificate));
  }
  const crl = await createCertificateRevocationList({ ca, now: issuedAt });
  return { ca, caKeyPem: await ca.privateKeyPem(), crlPem: crl.pem, fmc, devices, issuedAt };
}
