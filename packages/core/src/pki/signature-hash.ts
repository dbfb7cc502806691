import type { webcrypto } from 'node:crypto';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** The hashes of sha256WithRSAEncryption and stronger; devices reject weaker ones. */
export type SignatureHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

const STRONG: readonly string[] = ['SHA-256', 'SHA-384', 'SHA-512'];

/**
 * Checks a requested hash: `SHA-256`, `SHA-384` or `SHA-512`. Anything weaker is refused with
 * `WEAK_SIGNATURE_ALGORITHM` (a device logs `err 68:CA signature digest algorithm too weak`).
 *
 * @param hash - the hash name asked for
 */
export function assertStrongHash(hash: string): SignatureHash {
  if (!STRONG.includes(hash)) {
    throw new SftunnelCaError('WEAK_SIGNATURE_ALGORITHM', `signature hash ${hash} is not allowed; use SHA-256, SHA-384 or SHA-512`);
  }
  return hash as SignatureHash;
}

/**
 * The hash to keep when renewing a certificate signed with `hash`: the same when it is SHA-256 or
 * stronger, else SHA-256 (a SHA-1 certificate must not be reproduced).
 *
 * @param hash - the hash of the certificate being renewed
 */
export function hashToKeep(hash: string): SignatureHash {
  return STRONG.includes(hash) ? (hash as SignatureHash) : 'SHA-256';
}

/** The WebCrypto algorithm for RSA PKCS#1 v1.5 signatures with `hash`. */
export function rsaSigningAlgorithm(hash: SignatureHash): webcrypto.RsaHashedImportParams {
  return { name: 'RSASSA-PKCS1-v1_5', hash };
}
