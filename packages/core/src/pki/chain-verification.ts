import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Certificate } from './certificate.js';
import { nativeCrypto, type CryptoProvider } from './crypto-provider.js';

/** Options of {@link verifyIssuedBy}. */
export interface VerifyIssuedByOptions {
  /** Check validity periods at this time; omit to check names and signatures only. */
  readonly now?: Date;
  /** A name for the certificate in errors, e.g. its path or device. */
  readonly source?: string;
}

/**
 * Verifies that `certificate` was issued by the InternalCA `ca`, as a device does during the
 * handshake: `ca` is a CA, the issuer name matches the CA's subject, the signature verifies with
 * the CA's key, and (with `now`) both are within their validity. Throws `NOT_A_CA`,
 * `NOT_ISSUED_BY_CA`, `CERTIFICATE_EXPIRED` or `CERTIFICATE_NOT_YET_VALID` naming the depth
 * (0 the certificate, 1 the CA), as OpenSSL counts it.
 *
 * @param certificate - the end-entity certificate
 * @param ca - the InternalCA certificate (`cacert.pem`)
 * @param options - the time and a name for errors
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * await verifyIssuedBy(Certificate.fromPem(certPem), Certificate.fromPem(caPem), { now: new Date() });
 * ```
 */
export async function verifyIssuedBy(
  certificate: Certificate,
  ca: Certificate,
  options: VerifyIssuedByOptions = {},
  crypto: CryptoProvider = nativeCrypto,
): Promise<void> {
  const file = options.source;
  if (!ca.isCertificateAuthority) {
    throw new SftunnelCaError('NOT_A_CA', `${ca.subject} is not a CA certificate (basicConstraints CA:TRUE)`, { file });
  }
  const sameIssuer = Buffer.from(certificate.issuerDer).equals(Buffer.from(ca.subjectDer));
  let verified = false;
  let cause: unknown;
  try {
    verified = sameIssuer && (await certificate.x509.verify({ publicKey: ca.x509.publicKey, signatureOnly: true }, crypto));
  } catch (error) {
    cause = error; // a signature the provider cannot check does not verify
  }
  if (!verified) {
    throw new SftunnelCaError(
      'NOT_ISSUED_BY_CA',
      sameIssuer
        ? `${certificate.subject} names ${ca.subject} as issuer but its signature does not verify with that CA's key (a CA of another renewal?)`
        : `${certificate.subject} was issued by ${certificate.issuer}, not by ${ca.subject}`,
      { file, cause },
    );
  }
  if (options.now === undefined) return;
  checkValidity(ca, 1, options.now, file);
  checkValidity(certificate, 0, options.now, file);
}

function checkValidity(certificate: Certificate, depth: number, now: Date, file: string | undefined): void {
  if (now.getTime() > certificate.notAfter.getTime()) {
    throw new SftunnelCaError(
      'CERTIFICATE_EXPIRED',
      `certificate has expired: ${certificate.subject} at depth ${depth} expired at ${certificate.notAfter.toISOString()}`,
      { file },
    );
  }
  if (now.getTime() < certificate.notBefore.getTime()) {
    throw new SftunnelCaError(
      'CERTIFICATE_NOT_YET_VALID',
      `certificate is not yet valid: ${certificate.subject} at depth ${depth} is valid from ${certificate.notBefore.toISOString()}`,
      { file },
    );
  }
}
