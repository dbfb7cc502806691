/**
 * `@sftunnel-ca/core` — the domain of sftunnel-ca: InternalCA and sftunnel certificates,
 * the vendor's file formats and the appliance layout, and the renewal engine. No network
 * code: appliances are reached through the {@link Host} interface.
 *
 * @packageDocumentation
 */

// ── errors ───────────────────────────────────────────────────────────────
export { ERROR_CODES, type SftunnelCaErrorCode, type ErrorCodeEntry } from './errors/error-codes.js';
export {
  SftunnelCaError,
  isSftunnelCaError,
  type ErrorLocation,
  type SftunnelCaErrorOptions,
} from './errors/sftunnel-ca-error.js';

// ── host ─────────────────────────────────────────────────────────────────
export type {
  Host,
  HostOperationOptions,
  RunOptions,
  CommandResult,
  WriteFileAtomicOptions,
  WriteFileAtomicResult,
  FileStat,
} from './host/host.js';

// ── identity ─────────────────────────────────────────────────────────────
export { isUuid, assertUuid } from './identity/uuid.js';

// ── pki ──────────────────────────────────────────────────────────────────
export { type CryptoProvider, type CryptoKey, nativeCrypto } from './pki/crypto-provider.js';
export { parsePem, encodePem, type PemBlock, type ParsePemOptions } from './pki/pem.js';
export {
  generateRsaKeyPair,
  importRsaPrivateKey,
  exportRsaPrivateKeyPem,
  privateKeyPemForm,
  publicKeyInfoOfPrivateKey,
  type PrivateKeyPemForm,
  type RsaKeyPair,
  type ImportedRsaKey,
  type GenerateRsaKeyPairParams,
} from './pki/rsa-key.js';
export { assertStrongHash, type SignatureHash } from './pki/signature-hash.js';
export {
  TITLE_OID,
  GENERATION_QUALIFIER_OID,
  CISCO_ORGANIZATION,
  INTRUSION_MANAGEMENT_SYSTEM,
  internalCaName,
  sftunnelName,
  onelineName,
} from './pki/distinguished-name.js';
export { Certificate } from './pki/certificate.js';
export { SerialNumberSequence } from './pki/serial-number-sequence.js';
export { InternalCA, type InternalCAFromPemOptions } from './pki/internal-ca.js';
export {
  createInternalCA,
  renewInternalCA,
  type CreateInternalCAParams,
  type RenewInternalCAParams,
  type InternalCAValidityParams,
} from './pki/internal-ca-generator.js';
export {
  issueSftunnelCertificate,
  reissueSftunnelCertificate,
  type IssuedCertificate,
  type SftunnelCertificateParams,
  type IssueSftunnelCertificateParams,
  type ReissueSftunnelCertificateParams,
} from './pki/sftunnel-certificate.js';
export {
  CertificateRevocationList,
  createCertificateRevocationList,
  type CreateCertificateRevocationListParams,
  type RevokedCertificate,
} from './pki/certificate-revocation-list.js';
export { verifyIssuedBy, type VerifyIssuedByOptions } from './pki/chain-verification.js';
export { keyMatchesCertificate, assertKeyMatchesCertificate } from './pki/key-certificate-match.js';
export {
  expiryVerdict,
  formatVendorExpiryCheck,
  type ExpiryVerdict,
  type ExpiryVerdictKind,
  type HealthAlertLevel,
} from './pki/expiry-verdict.js';

// ── formats, layout, hotfix ──────────────────────────────────────────────
