import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { assertUuid } from '../identity/uuid.js';
import { Certificate } from './certificate.js';
import { authorityKeyIdentifier, backdatedNotBefore, carryOverExtensions, ONE_DAY_MS, sameName, signCertificate, type SigningAuthority } from './certificate-signing.js';
import { nativeCrypto, type CryptoProvider } from './crypto-provider.js';
import { CISCO_ORGANIZATION, nameAttribute, sftunnelName } from './distinguished-name.js';
import type { InternalCA } from './internal-ca.js';
import { exportRsaPrivateKeyPem, generateRsaKeyPair, type PrivateKeyPemForm, type RsaKeyPair } from './rsa-key.js';
import { x509 } from './x509-setup.js';

/** A certificate issued by an InternalCA, with its new private key. */
export interface IssuedCertificate {
  /** The certificate (`sftunnel-cert.pem`). */
  readonly certificate: Certificate;
  /** The private key as PEM (`sftunnel-key.pem`), in the form asked for. Secret: write it 0600 on the operator's machine. */
  readonly privateKeyPem: string;
}

/** What {@link issueSftunnelCertificate} and {@link reissueSftunnelCertificate} have in common. */
export interface SftunnelCertificateParams {
  /** The InternalCA that signs. */
  readonly ca: InternalCA;
  /** The current time. */
  readonly now: Date;
  /** End of validity; default, and at the latest, the CA's notAfter. */
  readonly notAfter?: Date;
  /** How far notBefore is set before `now` (never before the CA's); default one day. */
  readonly backdateMs?: number;
  /** A key pair made ahead of time; default: generated now. */
  readonly keys?: RsaKeyPair;
  /** The PEM form of the new private key; default `pkcs1`. */
  readonly keyForm?: PrivateKeyPemForm;
}

/** Parameters of {@link issueSftunnelCertificate}. */
export interface IssueSftunnelCertificateParams extends SftunnelCertificateParams {
  /** The UUID of the appliance the certificate is for (an FTD, or the FMC itself). */
  readonly peerUuid: string;
  /** The O attribute; default the CA's own O, else `Cisco Systems, Inc`. */
  readonly organization?: string;
  /** RSA modulus length in bits; default 2048. */
  readonly keySize?: number;
}

/** Parameters of {@link reissueSftunnelCertificate}. */
export interface ReissueSftunnelCertificateParams extends SftunnelCertificateParams {
  /** The certificate being replaced, or its PEM. */
  readonly current: Certificate | string;
}

/**
 * Issues an sftunnel certificate as the FMC does: subject
 * `generationQualifier=sftunnel, title=<peer UUID>, O=…, OU=Intrusion Management System, CN=localhost`,
 * the CA's next small serial (never one twice), the appliance's three extensions (basicConstraints
 * CA:FALSE, keyUsage digitalSignature + keyEncipherment, extendedKeyUsage serverAuth + clientAuth:
 * the tunnel is mutually authenticated) and an authorityKeyIdentifier naming the CA's key (so that
 * OpenSSL picks the right one of two CAs of the same name, and `-x509_strict` accepts it), validity
 * inside the CA's.
 *
 * @param params - the CA, the peer's UUID, the clock and the options
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const ftd = await issueSftunnelCertificate({ ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', now: new Date() });
 * writeFileSync('sftunnel-cert.pem', ftd.certificate.pem);
 * writeFileSync('sftunnel-key.pem', ftd.privateKeyPem, { mode: 0o600 });
 * ```
 */
export async function issueSftunnelCertificate(params: IssueSftunnelCertificateParams, crypto: CryptoProvider = nativeCrypto): Promise<IssuedCertificate> {
  const peerUuid = assertUuid(params.peerUuid, 'peerUuid');
  const organization =
    params.organization ?? nameAttribute(params.ca.certificate.x509.subjectName.toArrayBuffer(), 'O') ?? CISCO_ORGANIZATION;
  const keys = params.keys ?? (await generateRsaKeyPair({ modulusLength: params.keySize ?? 2048, hash: params.ca.signatureHash }, crypto));
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
    await authorityKeyIdentifier(signingAuthority(params.ca), { critical: false, keyIdentifier: true, issuerAndSerial: false }, crypto),
  ];
  return issue(sftunnelName(peerUuid, organization), keys, extensions, params, crypto);
}

/**
 * Issues the certificate that replaces `current`, keeping what the appliance knows: the subject
 * Name byte for byte, the key size and the extension set (key identifiers made again: the
 * subject's for the new key, the authority's for `ca`, never the old CA), signed by `ca` with the
 * CA's hash. A new key pair, a new serial from the CA's sequence.
 *
 * @param params - the CA, the current certificate, the clock and the options
 * @param crypto - the WebCrypto provider; default native
 * @example
 * ```ts
 * const renewed = await reissueSftunnelCertificate({ ca: newCa, current: readFileSync('sftunnel-cert.pem', 'utf8'), now: new Date(), keyForm: privateKeyPemForm(oldKeyPem) });
 * ```
 */
export async function reissueSftunnelCertificate(params: ReissueSftunnelCertificateParams, crypto: CryptoProvider = nativeCrypto): Promise<IssuedCertificate> {
  const current = typeof params.current === 'string' ? Certificate.fromPem(params.current, 'sftunnel-cert.pem') : params.current;
  if (current.keyAlgorithm !== 'RSASSA-PKCS1-v1_5') {
    throw new SftunnelCaError('KEY_NOT_RSA', `the key of ${current.subject} is ${current.keyAlgorithm}, not RSA`);
  }
  const keys = params.keys ?? (await generateRsaKeyPair({ modulusLength: current.modulusLength, hash: params.ca.signatureHash }, crypto));
  const extensions = await carryOverExtensions(current, { subjectPublicKey: keys.publicKey, authority: signingAuthority(params.ca) }, crypto);
  return issue(sameName(current.subjectDer), keys, extensions, params, crypto);
}

function signingAuthority(ca: InternalCA): SigningAuthority {
  return { publicKey: ca.publicKey, issuerDer: ca.certificate.issuerDer, serial: ca.certificate.serialNumber };
}

async function issue(
  subject: x509.Name,
  keys: RsaKeyPair,
  extensions: readonly x509.Extension[],
  params: SftunnelCertificateParams,
  crypto: CryptoProvider,
): Promise<IssuedCertificate> {
  const caCertificate = params.ca.certificate;
  if (params.now.getTime() > caCertificate.notAfter.getTime()) {
    throw new SftunnelCaError(
      'CERTIFICATE_EXPIRED',
      `the InternalCA expired at ${caCertificate.notAfter.toISOString()}; renew the CA before issuing certificates from it`,
    );
  }
  const requested = params.notAfter ?? caCertificate.notAfter;
  const notAfter = requested.getTime() > caCertificate.notAfter.getTime() ? caCertificate.notAfter : requested;
  const certificate = await signCertificate(
    {
      subject,
      issuer: sameName(caCertificate.subjectDer),
      publicKey: keys.publicKey,
      signingKey: params.ca.privateKey,
      serial: params.ca.serials.take(),
      notBefore: backdatedNotBefore(params.now, params.backdateMs ?? ONE_DAY_MS, caCertificate.notBefore),
      notAfter,
      extensions,
      hash: params.ca.signatureHash,
    },
    crypto,
  );
  return { certificate, privateKeyPem: await exportRsaPrivateKeyPem(keys.privateKey, params.keyForm ?? 'pkcs1', crypto) };
}
