import type { Certificate } from '../pki/certificate.js';
import { expiryVerdict, type ExpiryVerdictKind } from '../pki/expiry-verdict.js';

/** What a plan, a diff or a result record says of a certificate: serialisable, nothing secret. */
export interface CertificateSummary {
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprintSha256: string;
  /** The serial number, lowercase hex. */
  readonly serial: string;
  /** notAfter, ISO 8601. */
  readonly notAfter: string;
  /** The vendor's verdict at the moment the summary was made. */
  readonly verdict: ExpiryVerdictKind;
  /** Days since expiry or days left, as the vendor's check counts them. */
  readonly days: number;
}

/**
 * The serialisable summary of a certificate at a moment.
 *
 * @param certificate - the certificate
 * @param now - the moment of the verdict
 *
 * @example
 * ```ts
 * const summary = summarizeCertificate(Certificate.fromPem(certPem), new Date());
 * JSON.stringify(summary); // fingerprint, serial, notAfter, verdict and days
 * ```
 */
export function summarizeCertificate(certificate: Certificate, now: Date): CertificateSummary {
  const verdict = expiryVerdict(certificate, now);
  return {
    fingerprintSha256: certificate.fingerprintSha256,
    serial: certificate.serialNumber.toString(16),
    notAfter: certificate.notAfter.toISOString(),
    verdict: verdict.kind,
    days: verdict.days,
  };
}
