import { createHash } from 'node:crypto';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { nameAttribute, onelineName } from './distinguished-name.js';
import { encodePem, parsePem } from './pem.js';
import { x509 } from './x509-setup.js';

/**
 * An X.509 certificate as sftunnel-ca sees it: immutable, with the fields a renewal needs.
 * Parse one with {@link Certificate.fromPem}; make one with `createInternalCA` or
 * `issueSftunnelCertificate`.
 *
 * @example
 * ```ts
 * const ca = Certificate.fromPem(await readFile('/etc/sf/ca_root/cacert.pem', 'utf8'), 'cacert.pem');
 * console.log(ca.commonName, ca.notAfter.toISOString(), ca.fingerprintSha256, ca.signatureHash);
 * ```
 */
export class Certificate {
  /** The parsed certificate of @peculiar/x509, for signing and verification inside pki/. */
  readonly #x509: x509.X509Certificate;
  readonly #sha256: string;

  private constructor(certificate: x509.X509Certificate) {
    this.#x509 = certificate;
    this.#sha256 = createHash('sha256').update(new Uint8Array(certificate.rawData)).digest('hex');
  }

  /**
   * Parses the first certificate of a PEM text. Throws `PEM_INVALID` naming `source` when there
   * is none or it is not a certificate.
   *
   * @param pem - e.g. the content of `/etc/sf/ca_root/cacert.pem`
   * @param source - a name for errors, e.g. the path
   * @example
   * ```ts
   * const ca = Certificate.fromPem(readFileSync('/etc/sf/ca_root/cacert.pem', 'utf8'), 'cacert.pem');
   * console.log(ca.subject, ca.notAfter.toISOString());
   * ```
   */
  static fromPem(pem: string, source = 'certificate'): Certificate {
    const [block] = parsePem(pem, { source, labels: ['CERTIFICATE'] });
    return Certificate.fromDer(block.der, source);
  }

  /**
   * Parses every certificate of a PEM text (a bundle), in order.
   *
   * @param pem - one or more `CERTIFICATE` blocks
   * @param source - a name for errors
   */
  static allFromPem(pem: string, source = 'certificates'): Certificate[] {
    return parsePem(pem, { source, labels: ['CERTIFICATE'] }).map((block) => Certificate.fromDer(block.der, source));
  }

  /**
   * Parses a DER certificate.
   *
   * @param der - the bytes
   * @param source - a name for errors
   */
  static fromDer(der: Uint8Array, source = 'certificate'): Certificate {
    try {
      return new Certificate(new x509.X509Certificate(der));
    } catch (cause) {
      throw new SftunnelCaError('PEM_INVALID', 'the CERTIFICATE block does not hold an X.509 certificate', { file: source, cause });
    }
  }

  /** @internal Wraps a certificate made by pki/. */
  static fromX509(certificate: x509.X509Certificate): Certificate {
    return new Certificate(certificate);
  }

  /** @internal The @peculiar/x509 object, for pki/ only. */
  get x509(): x509.X509Certificate {
    return this.#x509;
  }

  /** The DER encoding. */
  get der(): Uint8Array {
    return new Uint8Array(this.#x509.rawData);
  }

  /** The PEM encoding, as OpenSSL writes it (64-column lines, final newline). */
  get pem(): string {
    return encodePem('CERTIFICATE', this.#x509.rawData);
  }

  /** The subject in OpenSSL's one-line form, e.g. `/title=InternalCA/OU=…/CN=…/O=Cisco Systems, Inc`. */
  get subject(): string {
    return onelineName(this.#x509.subjectName.toArrayBuffer());
  }

  /** The issuer in OpenSSL's one-line form. */
  get issuer(): string {
    return onelineName(this.#x509.issuerName.toArrayBuffer());
  }

  /** The DER of the subject Name, byte for byte as in the certificate. */
  get subjectDer(): Uint8Array {
    return new Uint8Array(this.#x509.subjectName.toArrayBuffer());
  }

  /** The DER of the issuer Name, byte for byte as in the certificate. */
  get issuerDer(): Uint8Array {
    return new Uint8Array(this.#x509.issuerName.toArrayBuffer());
  }

  /** The subject's CN (the FMC UUID for an InternalCA, `localhost` for an sftunnel certificate). */
  get commonName(): string | undefined {
    return nameAttribute(this.#x509.subjectName.toArrayBuffer(), 'CN');
  }

  /** The subject's title (`InternalCA`, or the peer UUID of an sftunnel certificate). */
  get title(): string | undefined {
    return nameAttribute(this.#x509.subjectName.toArrayBuffer(), 'title');
  }

  /** The serial number as a non-negative integer. */
  get serialNumber(): bigint {
    return BigInt(`0x${this.#x509.serialNumber || '0'}`);
  }

  /** Start of validity. */
  get notBefore(): Date {
    return this.#x509.notBefore;
  }

  /** End of validity. */
  get notAfter(): Date {
    return this.#x509.notAfter;
  }

  /** SHA-256 of the DER, lowercase hex without separators. */
  get fingerprintSha256(): string {
    return this.#sha256;
  }

  /** The hash of the signature algorithm, e.g. `SHA-256` (`SHA-1` for old certificates). */
  get signatureHash(): string {
    const algorithm = this.#x509.signatureAlgorithm as { hash?: { name?: string } };
    return algorithm.hash?.name ?? 'unknown';
  }

  /** The public key algorithm's name, `RSASSA-PKCS1-v1_5` for the appliance's RSA keys. */
  get keyAlgorithm(): string {
    return this.#x509.publicKey.algorithm.name;
  }

  /** The RSA modulus length in bits (0 for a non-RSA key). */
  get modulusLength(): number {
    const algorithm = this.#x509.publicKey.algorithm as { modulusLength?: number };
    return algorithm.modulusLength ?? 0;
  }

  /** The DER SubjectPublicKeyInfo. */
  get publicKeyInfo(): Uint8Array {
    return new Uint8Array(this.#x509.publicKey.rawData);
  }

  /** Whether basicConstraints says CA:TRUE. */
  get isCertificateAuthority(): boolean {
    return this.#x509.getExtension(x509.BasicConstraintsExtension)?.ca === true;
  }

  /** Whether subject and issuer are the same name. */
  get isSelfIssued(): boolean {
    return Buffer.from(this.subjectDer).equals(Buffer.from(this.issuerDer));
  }

  /** Whether `now` is within [notBefore, notAfter]. */
  isValidAt(now: Date): boolean {
    return now.getTime() >= this.notBefore.getTime() && now.getTime() <= this.notAfter.getTime();
  }
}
