import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, GeneralName, KeyIdentifier, Name as AsnName } from '@peculiar/asn1-x509';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from './certificate.js';
import type { CryptoProvider, CryptoKey } from './crypto-provider.js';
import { serialToHex } from './serial-number-sequence.js';
import { rsaSigningAlgorithm, type SignatureHash } from './signature-hash.js';
import { x509 } from './x509-setup.js';

/** One day in milliseconds: the default backdating of notBefore. */
export const ONE_DAY_MS = 86_400_000;

/** What pki/ signs: a to-be-signed certificate, in the terms of @peculiar/x509. */
export interface SignCertificateParams {
  readonly subject: x509.Name;
  readonly issuer: x509.Name;
  readonly publicKey: CryptoKey;
  readonly signingKey: CryptoKey;
  readonly serial: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly x509.Extension[];
  readonly hash: SignatureHash;
}

/** Signs a certificate with RSASSA-PKCS1-v1_5 and wraps it as a {@link Certificate}. */
export async function signCertificate(params: SignCertificateParams, crypto: CryptoProvider): Promise<Certificate> {
  if (params.notBefore.getTime() >= params.notAfter.getTime()) {
    throw new SftunnelCaError(
      'INVALID_ARGUMENT',
      `notBefore ${params.notBefore.toISOString()} must come before notAfter ${params.notAfter.toISOString()}`,
    );
  }
  const certificate = await x509.X509CertificateGenerator.create(
    {
      subject: params.subject,
      issuer: params.issuer,
      publicKey: params.publicKey,
      signingKey: params.signingKey,
      serialNumber: serialToHex(params.serial),
      notBefore: wholeSeconds(params.notBefore),
      notAfter: wholeSeconds(params.notAfter),
      extensions: [...params.extensions],
      signingAlgorithm: rsaSigningAlgorithm(params.hash),
    },
    crypto,
  );
  return Certificate.fromX509(certificate);
}

/** The certificate that signs a new one, as the new one's authorityKeyIdentifier names it. */
export interface SigningAuthority {
  /** Its public key: the keyIdentifier. */
  readonly publicKey: CryptoKey;
  /** The DER of its issuer's Name (its own subject, for a self-signed CA): the authorityCertIssuer. */
  readonly issuerDer: Uint8Array;
  /** Its serial number: the authorityCertSerialNumber. */
  readonly serial: bigint;
}

/**
 * The extensions of `template` for a new certificate: every extension kept as it is, in its
 * order, except the key identifiers, which are made again for the new keys: the
 * subjectKeyIdentifier names the new subject key, the authorityKeyIdentifier the new signing
 * authority (its key, and its issuer and serial where the template's named the old one's) — never
 * the key or serial of the certificates being replaced.
 */
export async function carryOverExtensions(
  template: Certificate,
  keys: { readonly subjectPublicKey: CryptoKey; readonly authority: SigningAuthority },
  crypto: CryptoProvider,
): Promise<x509.Extension[]> {
  return Promise.all(
    template.x509.extensions.map(async (extension) => {
      if (extension.type === SUBJECT_KEY_IDENTIFIER) {
        return x509.SubjectKeyIdentifierExtension.create(keys.subjectPublicKey, extension.critical, crypto);
      }
      if (extension.type === AUTHORITY_KEY_IDENTIFIER) {
        const form = AsnConvert.parse(extension.value, AuthorityKeyIdentifier);
        const issuerAndSerial = form.authorityCertIssuer !== undefined || form.authorityCertSerialNumber !== undefined;
        return authorityKeyIdentifier(keys.authority, { critical: extension.critical, keyIdentifier: form.keyIdentifier !== undefined || !issuerAndSerial, issuerAndSerial }, crypto);
      }
      return new x509.Extension(extension.rawData);
    }),
  );
}

/**
 * An authorityKeyIdentifier naming `authority`: its key identifier (SHA-1 of its public key, as
 * its subjectKeyIdentifier), and optionally its issuer's Name and its serial. With it OpenSSL picks
 * the right issuer among CAs of the same name (an expired InternalCA and its renewal in one
 * bundle), and `-x509_strict` asks for it on every certificate a CA issued.
 */
export async function authorityKeyIdentifier(
  authority: SigningAuthority,
  form: { readonly critical: boolean; readonly keyIdentifier: boolean; readonly issuerAndSerial: boolean },
  crypto: CryptoProvider,
): Promise<x509.Extension> {
  const value = new AuthorityKeyIdentifier();
  if (form.keyIdentifier) {
    const { keyId } = await x509.SubjectKeyIdentifierExtension.create(authority.publicKey, false, crypto);
    value.keyIdentifier = new KeyIdentifier(Buffer.from(keyId, 'hex'));
  }
  if (form.issuerAndSerial) {
    const issuer = AsnConvert.parse(authority.issuerDer, AsnName);
    if (!Buffer.from(AsnConvert.serialize(issuer)).equals(Buffer.from(authority.issuerDer))) {
      throw new SftunnelCaError('PEM_INVALID', 'the issuing CA’s issuer name cannot be reproduced byte for byte (non-DER encoding)');
    }
    value.authorityCertIssuer = [new GeneralName({ directoryName: issuer })];
    value.authorityCertSerialNumber = new Uint8Array(Buffer.from(serialToHex(authority.serial), 'hex')).buffer;
  }
  return new x509.Extension(AUTHORITY_KEY_IDENTIFIER, form.critical, AsnConvert.serialize(value));
}

/** A copy of a Name from its DER, so that a new certificate carries the same bytes. */
export function sameName(der: Uint8Array): x509.Name {
  const name = new x509.Name(der);
  if (!Buffer.from(name.toArrayBuffer()).equals(Buffer.from(der))) {
    throw new SftunnelCaError('PEM_INVALID', 'the certificate’s name cannot be reproduced byte for byte (non-DER encoding)');
  }
  return name;
}

/** notBefore for `now`: `backdateMs` earlier, but never before `floor` when given. */
export function backdatedNotBefore(now: Date, backdateMs: number, floor?: Date): Date {
  if (!Number.isFinite(backdateMs) || backdateMs < 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `backdateMs must be a non-negative number of milliseconds, got ${String(backdateMs)}`);
  }
  const notBefore = new Date(now.getTime() - backdateMs);
  return floor !== undefined && notBefore.getTime() < floor.getTime() ? new Date(floor) : notBefore;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
