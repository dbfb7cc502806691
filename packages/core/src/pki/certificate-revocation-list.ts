import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber } from '@peculiar/asn1-x509';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { backdatedNotBefore, ONE_DAY_MS, sameName } from './certificate-signing.js';
import { nativeCrypto, type CryptoProvider } from './crypto-provider.js';
import type { InternalCA } from './internal-ca.js';
import { encodePem, parsePem } from './pem.js';
import { serialToHex } from './serial-number-sequence.js';
import { rsaSigningAlgorithm } from './signature-hash.js';
import { x509 } from './x509-setup.js';

/** A certificate listed in a CRL. */
export interface RevokedCertificate {
  /** Its serial number. */
  readonly serial: bigint;
  /** When it was revoked; default the CRL's thisUpdate (backdated). */
  readonly revokedAt?: Date;
}

/** Parameters of {@link createCertificateRevocationList}. */
export interface CreateCertificateRevocationListParams {
  /** The InternalCA that signs the CRL. */
  readonly ca: InternalCA;
  /** The current time: thisUpdate is `backdateMs` before it. */
  readonly now: Date;
  /**
   * How far thisUpdate (lastUpdate) is set before `now`, in ms, as the certificates' notBefore is,
   * so that a device whose clock lags does not find the CRL "not yet valid"; never before the CA's
   * notBefore. Default one day.
   */
  readonly backdateMs?: number;
  /**
   * nextUpdate; default the CA's notAfter. A device that checks the CRL fails the handshake once
   * nextUpdate has passed, so it must not come before the next planned renewal.
   */
  readonly nextUpdate?: Date;
  /** Certificates to list as revoked (reason `superseded`); default none. */
  readonly revoked?: readonly RevokedCertificate[];
  /** The cRLNumber extension's value; default 1. */
  readonly crlNumber?: number;
}

/**
 * A CRL (the content of `/etc/sf/ca_root/crl.pem`): immutable, with the fields a renewal checks.
 *
 * @example
 * ```ts
 * const crl = CertificateRevocationList.fromPem(await readFile('/etc/sf/ca_root/crl.pem', 'utf8'));
 * console.log(crl.thisUpdate, crl.nextUpdate, crl.revokedSerials);
 * ```
 */
export class CertificateRevocationList {
  readonly #crl: x509.X509Crl;

  private constructor(crl: x509.X509Crl) {
    this.#crl = crl;
  }

  /**
   * Parses a CRL in PEM (`-----BEGIN X509 CRL-----`). Throws `PEM_INVALID` naming `source`.
   *
   * @param pem - e.g. the content of `crl.pem`
   * @param source - a name for errors
   */
  static fromPem(pem: string, source = 'crl.pem'): CertificateRevocationList {
    const [block] = parsePem(pem, { source, labels: ['X509 CRL'] });
    try {
      return new CertificateRevocationList(new x509.X509Crl(block.der));
    } catch (cause) {
      throw new SftunnelCaError('PEM_INVALID', 'the X509 CRL block does not hold a CRL', { file: source, line: block.line, cause });
    }
  }

  /** @internal Wraps a CRL made by pki/. */
  static fromX509(crl: x509.X509Crl): CertificateRevocationList {
    return new CertificateRevocationList(crl);
  }

  /** The PEM encoding with the label `X509 CRL`, as `openssl crl` reads and writes it. */
  get pem(): string {
    return encodePem('X509 CRL', this.#crl.rawData);
  }

  /** The DER encoding. */
  get der(): Uint8Array {
    return new Uint8Array(this.#crl.rawData);
  }

  /** The DER of the issuer Name. */
  get issuerDer(): Uint8Array {
    return new Uint8Array(this.#crl.issuerName.toArrayBuffer());
  }

  /** When this CRL was issued. */
  get thisUpdate(): Date {
    return this.#crl.thisUpdate;
  }

  /** When the next CRL is due (after which checking devices reject it), if set. */
  get nextUpdate(): Date | undefined {
    return this.#crl.nextUpdate;
  }

  /** The serial numbers listed as revoked. */
  get revokedSerials(): bigint[] {
    return this.#crl.entries.map((entry) => BigInt(`0x${entry.serialNumber || '0'}`));
  }

  /**
   * Whether the CRL's signature verifies with the CA's public key.
   *
   * @param ca - the issuing CA
   * @param crypto - the WebCrypto provider; default native
   */
  async isSignedBy(ca: InternalCA, crypto: CryptoProvider = nativeCrypto): Promise<boolean> {
    return Buffer.from(this.issuerDer).equals(Buffer.from(ca.certificate.subjectDer)) && this.#crl.verify({ publicKey: ca.publicKey }, crypto);
  }
}

/**
 * Makes a CRL signed by the InternalCA, empty or listing revoked serials, with the cRLNumber and
 * authorityKeyIdentifier extensions, in the form `openssl crl` reads; thisUpdate is backdated like
 * the certificates' notBefore.
 *
 * @param params - the CA, the clock, and what to list
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const crl = await createCertificateRevocationList({ ca, now: new Date() });
 * writeFileSync('crl.pem', crl.pem);
 * ```
 */
export async function createCertificateRevocationList(
  params: CreateCertificateRevocationListParams,
  crypto: CryptoProvider = nativeCrypto,
): Promise<CertificateRevocationList> {
  const nextUpdate = params.nextUpdate ?? params.ca.certificate.notAfter;
  if (nextUpdate.getTime() <= params.now.getTime()) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `nextUpdate ${nextUpdate.toISOString()} must come after now ${params.now.toISOString()}`);
  }
  const thisUpdate = backdatedNotBefore(params.now, params.backdateMs ?? ONE_DAY_MS, params.ca.certificate.notBefore);
  const crlNumber = params.crlNumber ?? 1;
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `crlNumber must be a non-negative integer, got ${String(crlNumber)}`);
  }
  const crl = await x509.X509CrlGenerator.create(
    {
      issuer: sameName(params.ca.certificate.subjectDer),
      thisUpdate,
      nextUpdate,
      signingAlgorithm: rsaSigningAlgorithm(params.ca.signatureHash),
      signingKey: params.ca.privateKey,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(params.ca.publicKey, false, crypto),
        new x509.Extension(CRL_NUMBER_OID, false, AsnConvert.serialize(new CRLNumber(crlNumber))),
      ],
      // A reason on every entry: @peculiar/x509 2.2 otherwise writes an empty crlEntryExtensions (not DER).
      entries: (params.revoked ?? []).map((entry) => ({
        serialNumber: serialToHex(entry.serial),
        revocationDate: entry.revokedAt ?? thisUpdate,
        reason: x509.X509CrlReason.superseded,
      })),
    },
    crypto,
  );
  return CertificateRevocationList.fromX509(crl);
}

const CRL_NUMBER_OID = '2.5.29.20';
