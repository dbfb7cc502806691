import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { assertUuid } from '../identity/uuid.js';
import { Certificate } from './certificate.js';
import { backdatedNotBefore, carryOverExtensions, ONE_DAY_MS, sameName, signCertificate } from './certificate-signing.js';
import { nativeCrypto, type CryptoProvider } from './crypto-provider.js';
import { CISCO_ORGANIZATION, internalCaName } from './distinguished-name.js';
import { InternalCA } from './internal-ca.js';
import { generateRsaKeyPair, type PrivateKeyPemForm, type RsaKeyPair } from './rsa-key.js';
import { SerialNumberSequence } from './serial-number-sequence.js';
import { assertStrongHash, hashToKeep, type SignatureHash } from './signature-hash.js';
import { x509 } from './x509-setup.js';

/** What {@link createInternalCA} and {@link renewInternalCA} have in common. */
export interface InternalCAValidityParams {
  /** The current time (inject a clock for tests and rehearsals). */
  readonly now: Date;
  /** Years of validity from `now`; default 10, as the appliance's. */
  readonly validityYears?: number;
  /** How far notBefore is set before `now`, in ms, so lagging clocks accept it; default one day. */
  readonly backdateMs?: number;
  /** The PEM form of the CA's private key; default `pkcs1`. */
  readonly keyForm?: PrivateKeyPemForm;
  /** The first serial the CA hands out to the certificates it issues; default 1. */
  readonly firstSerial?: bigint;
  /** A key pair made ahead of time (the slowest step); default: generated now. */
  readonly keys?: RsaKeyPair;
  /** Random bytes for the CA's own serial number; default WebCrypto's. */
  readonly random?: (size: number) => Uint8Array;
}

/** Parameters of {@link createInternalCA}. */
export interface CreateInternalCAParams extends InternalCAValidityParams {
  /** The FMC's UUID: the CN of the InternalCA. */
  readonly fmcUuid: string;
  /** The O attribute; default `Cisco Systems, Inc` (older systems: `Sourcefire, Inc.`). */
  readonly organization?: string;
  /** RSA modulus length in bits; default 2048. */
  readonly keySize?: number;
  /** Signature hash; default `SHA-256`. SHA-1 is refused. */
  readonly hash?: SignatureHash;
}

/** Parameters of {@link renewInternalCA}. */
export interface RenewInternalCAParams extends InternalCAValidityParams {
  /** The InternalCA being replaced: its certificate, or the PEM of `cacert.pem`. */
  readonly current: Certificate | string;
}

/**
 * Creates a new, self-signed InternalCA as the FMC makes it: subject
 * `title=InternalCA, OU=Intrusion Management System, CN=<FMC UUID>, O=Cisco Systems, Inc`,
 * 10 years, RSA 2048, sha256WithRSAEncryption, basicConstraints CA:TRUE (critical), keyUsage
 * keyCertSign + cRLSign, subjectKeyIdentifier; notBefore backdated one day.
 *
 * @param params - the FMC UUID, the clock and the options
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const ca = await createInternalCA({ fmcUuid: '06f5f3ca-c77b-11e2-81bf-884d9d11f3ef', now: new Date() });
 * writeFileSync('cacert.pem', ca.certificate.pem);
 * ```
 */
export async function createInternalCA(params: CreateInternalCAParams, crypto: CryptoProvider = nativeCrypto): Promise<InternalCA> {
  const fmcUuid = assertUuid(params.fmcUuid, 'fmcUuid');
  const hash = assertStrongHash(params.hash ?? 'SHA-256');
  const keys = params.keys ?? (await generateRsaKeyPair({ modulusLength: params.keySize ?? 2048, hash }, crypto));
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  return selfSign(internalCaName(fmcUuid, params.organization ?? CISCO_ORGANIZATION), keys, extensions, hash, params, crypto);
}

/**
 * Makes the InternalCA that replaces `current`, keeping what the appliance knows: the subject
 * Name byte for byte (same DER, same attribute order and string types), the key size, the
 * signature algorithm (SHA-256 at the least) and the extensions (key identifiers computed for the
 * new key). A new key pair, a new random serial, and a new validity from `now`.
 *
 * @param params - the current CA, the clock and the options
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const renewed = await renewInternalCA({ current: readFileSync('/etc/sf/ca_root/cacert.pem', 'utf8'), now: new Date() });
 * ```
 */
export async function renewInternalCA(params: RenewInternalCAParams, crypto: CryptoProvider = nativeCrypto): Promise<InternalCA> {
  const current = typeof params.current === 'string' ? Certificate.fromPem(params.current, 'cacert.pem') : params.current;
  if (!current.isCertificateAuthority || !current.isSelfIssued) {
    throw new SftunnelCaError('NOT_A_CA', `${current.subject} is not a self-signed CA certificate; pass the FMC's /etc/sf/ca_root/cacert.pem`);
  }
  if (current.keyAlgorithm !== 'RSASSA-PKCS1-v1_5') {
    throw new SftunnelCaError('KEY_NOT_RSA', `the InternalCA's key is ${current.keyAlgorithm}, not RSA`);
  }
  const hash = hashToKeep(current.signatureHash);
  const keys = params.keys ?? (await generateRsaKeyPair({ modulusLength: current.modulusLength, hash }, crypto));
  const extensions = await carryOverExtensions(current, { subjectPublicKey: keys.publicKey, issuerPublicKey: keys.publicKey }, crypto);
  return selfSign(sameName(current.subjectDer), keys, extensions, hash, params, crypto);
}

async function selfSign(
  name: x509.Name,
  keys: RsaKeyPair,
  extensions: readonly x509.Extension[],
  hash: SignatureHash,
  params: InternalCAValidityParams,
  crypto: CryptoProvider,
): Promise<InternalCA> {
  const years = params.validityYears ?? 10;
  if (!Number.isInteger(years) || years < 1 || years > 30) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `validityYears must be a whole number from 1 to 30, got ${String(years)}`);
  }
  const notAfter = new Date(params.now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const certificate = await signCertificate(
    {
      subject: name,
      issuer: name,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      serial: randomSerial(params.random ?? ((size) => crypto.getRandomValues(new Uint8Array(size)))),
      notBefore: backdatedNotBefore(params.now, params.backdateMs ?? ONE_DAY_MS),
      notAfter,
      extensions,
      hash,
    },
    crypto,
  );
  return new InternalCA({
    certificate,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    keyForm: params.keyForm ?? 'pkcs1',
    serials: new SerialNumberSequence(params.firstSerial),
  });
}

/**
 * The CA's own serial: 8 random bytes, positive. Random rather than small, so that a renewed CA
 * with the same subject never shares issuer and serial with the CA it replaces.
 */
function randomSerial(random: (size: number) => Uint8Array): bigint {
  const bytes = random(8);
  const hex = Buffer.from(bytes).toString('hex');
  const serial = BigInt(`0x${hex || '0'}`) & ((1n << 63n) - 1n);
  return serial === 0n ? 1n : serial;
}
