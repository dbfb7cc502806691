import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from './certificate.js';
import { nativeCrypto, type CryptoProvider, type CryptoKey } from './crypto-provider.js';
import { exportRsaPrivateKeyPem, importRsaPrivateKey, type PrivateKeyPemForm } from './rsa-key.js';
import { SerialNumberSequence } from './serial-number-sequence.js';
import { hashToKeep, type SignatureHash } from './signature-hash.js';
import { assertKeyMatchesCertificate } from './key-certificate-match.js';

/** Options of {@link InternalCA.fromPem}. */
export interface InternalCAFromPemOptions {
  /** The next serial number this CA may hand out (above every serial it has issued); default 1. */
  readonly nextSerial?: bigint;
  /** A name for the certificate in errors; default `cacert.pem`. */
  readonly certificateSource?: string;
  /** A name for the key in errors; default `CA private key`. */
  readonly keySource?: string;
}

/**
 * An InternalCA that can sign: its certificate, its private key, the PEM form its key is written
 * in, and the sequence of serial numbers it hands out. Make one with `createInternalCA` or
 * `renewInternalCA`, or load an existing one with {@link InternalCA.fromPem}.
 *
 * @example
 * ```ts
 * const ca = await createInternalCA({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now: new Date() });
 * ca.certificate.subject; // 'title=InternalCA, OU=Intrusion Management System, CN=cdb123c8-…, O=Cisco Systems, Inc'
 * ca.serials.next;        // the serial number the next certificate it signs gets
 * ```
 */
export class InternalCA {
  /** The self-signed CA certificate (the content of `cacert.pem`). */
  readonly certificate: Certificate;
  /** The CA's private key. */
  readonly privateKey: CryptoKey;
  /** The CA's public key. */
  readonly publicKey: CryptoKey;
  /** The PEM form {@link InternalCA.privateKeyPem} writes. */
  readonly keyForm: PrivateKeyPemForm;
  /** The serial numbers of the certificates this CA issues. */
  readonly serials: SerialNumberSequence;

  /**
   * @param init - certificate, keys, key form and serial sequence (use the factories instead)
   */
  constructor(init: {
    readonly certificate: Certificate;
    readonly privateKey: CryptoKey;
    readonly publicKey: CryptoKey;
    readonly keyForm: PrivateKeyPemForm;
    readonly serials: SerialNumberSequence;
  }) {
    if (!init.certificate.isCertificateAuthority || !init.certificate.isSelfIssued) {
      throw new SftunnelCaError('NOT_A_CA', `${init.certificate.subject} is not a self-signed CA certificate (basicConstraints CA:TRUE)`);
    }
    this.certificate = init.certificate;
    this.privateKey = init.privateKey;
    this.publicKey = init.publicKey;
    this.keyForm = init.keyForm;
    this.serials = init.serials;
  }

  /**
   * Loads an existing InternalCA from its certificate and private key. Throws `NOT_A_CA`,
   * `KEY_CERT_MISMATCH`, `KEY_NOT_RSA` or `PEM_INVALID` naming the input.
   *
   * @param certificatePem - the CA certificate
   * @param keyPem - its private key (PKCS#1 or PKCS#8)
   * @param options - the next serial and names for errors
   * @param crypto - the WebCrypto provider; default native
   * @example
   * ```ts
   * const ca = await InternalCA.fromPem(caCertPem, caKeyPem, { nextSerial: 16n });
   * const device = await issueSftunnelCertificate({ ca, peerUuid, now: new Date() });
   * ```
   */
  static async fromPem(
    certificatePem: string,
    keyPem: string,
    options: InternalCAFromPemOptions = {},
    crypto: CryptoProvider = nativeCrypto,
  ): Promise<InternalCA> {
    const certificate = Certificate.fromPem(certificatePem, options.certificateSource ?? 'cacert.pem');
    const keySource = options.keySource ?? 'CA private key';
    assertKeyMatchesCertificate(keyPem, certificate, keySource);
    const key = await importRsaPrivateKey(keyPem, { hash: hashToKeep(certificate.signatureHash), source: keySource }, crypto);
    return new InternalCA({ certificate, privateKey: key.privateKey, publicKey: key.publicKey, keyForm: key.form, serials: new SerialNumberSequence(options.nextSerial) });
  }

  /** The hash this CA signs with: that of its own certificate (SHA-256 at the least). */
  get signatureHash(): SignatureHash {
    return hashToKeep(this.certificate.signatureHash);
  }

  /**
   * The CA's private key as PEM, in {@link InternalCA.keyForm}. Write it with mode 0600.
   *
   * @param crypto - the WebCrypto provider; default native
   */
  privateKeyPem(crypto: CryptoProvider = nativeCrypto): Promise<string> {
    return exportRsaPrivateKeyPem(this.privateKey, this.keyForm, crypto);
  }
}
