import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Certificate } from './certificate.js';
import { publicKeyInfoOfPrivateKey } from './rsa-key.js';

/**
 * Whether a private key belongs to a certificate (their public keys are the same).
 *
 * @param keyPem - a private key in PEM (PKCS#1 or PKCS#8)
 * @param certificate - the certificate
 * @param source - a name for the key in errors
 *
 * @example
 * ```ts
 * const certificate = Certificate.fromPem(certPem);
 * if (!keyMatchesCertificate(keyPem, certificate, 'sftunnel-key.pem')) console.error('key and certificate differ');
 * ```
 */
export function keyMatchesCertificate(keyPem: string, certificate: Certificate, source = 'private key'): boolean {
  return Buffer.from(publicKeyInfoOfPrivateKey(keyPem, source)).equals(Buffer.from(certificate.publicKeyInfo));
}

/**
 * Throws `KEY_CERT_MISMATCH` unless the key belongs to the certificate.
 *
 * @param keyPem - a private key in PEM
 * @param certificate - the certificate
 * @param source - a name for the key in errors, e.g. `/etc/sf/keys/sftunnel-key.pem`
 * @example
 * ```ts
 * assertKeyMatchesCertificate(keyPem, Certificate.fromPem(certPem), 'sftunnel-key.pem');
 * ```
 */
export function assertKeyMatchesCertificate(keyPem: string, certificate: Certificate, source = 'private key'): void {
  if (!keyMatchesCertificate(keyPem, certificate, source)) {
    throw new SftunnelCaError(
      'KEY_CERT_MISMATCH',
      `the private key does not belong to the certificate ${certificate.subject} (serial ${certificate.serialNumber.toString(16)})`,
      { file: source },
    );
  }
}
