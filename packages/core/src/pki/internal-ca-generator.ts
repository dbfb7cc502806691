import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { assertUuid } from '../identity/uuid.js';
import { Certificate } from './certificate.js';
import { authorityKeyIdentifier, backdatedNotBefore, carryOverExtensions, ONE_DAY_MS, sameName, signCertificate } from './certificate-signing.js';
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
  /** A key pair made ahead of time (the slowest step); default: generated now. */
  readonly keys?: RsaKeyPair;
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
  /** The first serial the CA hands out to the certificates it issues; default 1. */
  readonly firstSerial?: bigint;
  /** Random bytes for the CA's own serial number; default WebCrypto's. */
  readonly random?: (size: number) => Uint8Array;
}

/** Parameters of {@link renewInternalCA}. */
export interface RenewInternalCAParams extends InternalCAValidityParams {
  /** The InternalCA being replaced: its certificate, or the PEM of `cacert.pem`. */
  readonly current: Certificate | string;
  /**
   * The certificates the CA being replaced issued that are still about: the FMC's sftunnel
   * certificate and every device's `certs_pushed` one. The new CA keeps the old one's name, so its
   * own serial and every serial it hands out continue above theirs and above the old CA's own
   * serial (issuer and serial must name one certificate). Default none: above the old CA's serial only.
   */
  readonly issued?: Iterable<Certificate>;
}

/**
 * Creates a new, self-signed InternalCA as the FMC makes it: subject
 * `title=InternalCA, OU=Intrusion Management System, CN=<FMC UUID>, O=Cisco Systems, Inc`,
 * 10 years, RSA 2048, sha256WithRSAEncryption, basicConstraints CA:TRUE (critical), keyUsage
 * keyCertSign + cRLSign, subjectKeyIdentifier and authorityKeyIdentifier (its own key: so that
 * OpenSSL tells it apart from another CA of the same name); notBefore backdated one day; a random
 * serial of its own, and the certificates it issues numbered from `firstSerial`.
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
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  const name = internalCaName(fmcUuid, params.organization ?? CISCO_ORGANIZATION);
  const serial = randomSerial(params.random ?? ((size) => crypto.getRandomValues(new Uint8Array(size))));
  const authority = { publicKey: keys.publicKey, issuerDer: new Uint8Array(name.toArrayBuffer()), serial };
  extensions.push(await authorityKeyIdentifier(authority, { critical: false, keyIdentifier: true, issuerAndSerial: false }, crypto));
  return selfSign(name, keys, extensions, hash, { serial, serials: new SerialNumberSequence(params.firstSerial) }, params, crypto);
}

/**
 * Makes the InternalCA that replaces `current`, keeping what the appliance knows: the subject
 * Name byte for byte (same DER, same attribute order and string types), the key size, the
 * signature algorithm (SHA-256 at the least) and the extensions (key identifiers made for the
 * new key and serial, never naming the old ones). A new key pair, a new validity from `now`, and
 * serials that continue above the old CA's: its own is the next above the old CA's serial and
 * those of `issued`, and the certificates it issues follow it.
 *
 * @param params - the current CA, the clock and the options
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const renewed = await renewInternalCA({
 *   current: readFileSync('/etc/sf/ca_root/cacert.pem', 'utf8'),
 *   issued: [fmcCertificate, ...deviceCertificates], // its serials continue above theirs
 *   now: new Date(),
 * });
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
  const serials = SerialNumberSequence.above([current.serialNumber, ...[...(params.issued ?? [])].map((certificate) => certificate.serialNumber)]);
  const serial = serials.take();
  const authority = { publicKey: keys.publicKey, issuerDer: current.subjectDer, serial };
  const extensions = await carryOverExtensions(current, { subjectPublicKey: keys.publicKey, authority }, crypto);
  return selfSign(sameName(current.subjectDer), keys, extensions, hash, { serial, serials }, params, crypto);
}

async function selfSign(
  name: x509.Name,
  keys: RsaKeyPair,
  extensions: readonly x509.Extension[],
  hash: SignatureHash,
  numbering: { readonly serial: bigint; readonly serials: SerialNumberSequence },
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
      serial: numbering.serial,
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
    serials: numbering.serials,
  });
}

/**
 * The own serial of a CA made from scratch: 8 random bytes, positive (a renewed CA continues above
 * its predecessor's serials instead).
 */
function randomSerial(random: (size: number) => Uint8Array): bigint {
  const bytes = random(8);
  const hex = Buffer.from(bytes).toString('hex');
  const serial = BigInt(`0x${hex || '0'}`) & ((1n << 63n) - 1n);
  return serial === 0n ? 1n : serial;
}
