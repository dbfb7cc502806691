import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { nativeCrypto, type CryptoProvider, type CryptoKey } from './crypto-provider.js';
import { encodePem, parsePem } from './pem.js';
import { rsaSigningAlgorithm, type SignatureHash } from './signature-hash.js';

/**
 * The PEM form of a private key file: PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`) or PKCS#8
 * (`-----BEGIN PRIVATE KEY-----`). A renewed key is written in the form of the file it replaces.
 */
export type PrivateKeyPemForm = 'pkcs1' | 'pkcs8';

/** An RSA key pair as WebCrypto keys, with its size. */
export interface RsaKeyPair {
  /** Signs certificates (extractable, so it can be written to a file). */
  readonly privateKey: CryptoKey;
  /** The public half. */
  readonly publicKey: CryptoKey;
  /** Modulus length in bits, e.g. 2048. */
  readonly modulusLength: number;
}

/** An RSA private key read from PEM, with the form it was written in. */
export interface ImportedRsaKey extends RsaKeyPair {
  /** The PEM form of the input. */
  readonly form: PrivateKeyPemForm;
}

/** Parameters of {@link generateRsaKeyPair}. */
export interface GenerateRsaKeyPairParams {
  /** Modulus length in bits; default 2048. */
  readonly modulusLength?: number;
  /** The hash the key signs with; default `SHA-256`. */
  readonly hash?: SignatureHash;
}

const LABELS: Readonly<Record<string, PrivateKeyPemForm>> = { 'RSA PRIVATE KEY': 'pkcs1', 'PRIVATE KEY': 'pkcs8' };

/**
 * Generates an RSA key pair for signing with RSASSA-PKCS1-v1_5. This is the slowest step of a
 * renewal (about 10 keys/s on 2 cores with native WebCrypto): start many at once.
 *
 * @param params - size and hash
 * @param crypto - the WebCrypto provider; default native
 *
 * @example
 * ```ts
 * const keys = await Promise.all(Array.from({ length: 16 }, () => generateRsaKeyPair({ modulusLength: 2048 })));
 * ```
 */
export async function generateRsaKeyPair(params: GenerateRsaKeyPairParams = {}, crypto: CryptoProvider = nativeCrypto): Promise<RsaKeyPair> {
  const modulusLength = params.modulusLength ?? 2048;
  if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > 8192 || modulusLength % 8 !== 0) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `keySize must be a multiple of 8 from 2048 to 8192 bits, got ${String(modulusLength)}`);
  }
  const keys = await crypto.subtle.generateKey(
    { ...rsaSigningAlgorithm(params.hash ?? 'SHA-256'), modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  return { privateKey: keys.privateKey, publicKey: keys.publicKey, modulusLength };
}

/**
 * Reads an RSA private key from PEM (PKCS#1 or PKCS#8, unencrypted). Throws `PEM_INVALID` for
 * anything else and `KEY_NOT_RSA` for a key of another type.
 *
 * @param pem - the key file's content
 * @param options - the hash the key will sign with (default `SHA-256`) and a name for errors
 * @param crypto - the WebCrypto provider; default native
 *
 * @example
 * ```ts
 * const key = await importRsaPrivateKey(keyPem, { source: 'sftunnel-key.pem' });
 * console.log(key.modulusLength, key.form); // 2048 'pkcs1'
 * ```
 */
export async function importRsaPrivateKey(
  pem: string,
  options: { readonly hash?: SignatureHash; readonly source?: string } = {},
  crypto: CryptoProvider = nativeCrypto,
): Promise<ImportedRsaKey> {
  const { keyObject, form } = readRsaPrivateKey(pem, options.source ?? 'private key');
  const algorithm = rsaSigningAlgorithm(options.hash ?? 'SHA-256');
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']),
    crypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  ]);
  return { privateKey, publicKey, modulusLength: keyObject.asymmetricKeyDetails?.modulusLength ?? 0, form };
}

function readRsaPrivateKey(pem: string, source: string): { keyObject: KeyObject; form: PrivateKeyPemForm } {
  const [block] = parsePem(pem, { source, labels: Object.keys(LABELS) });
  const form = LABELS[block.label];
  if (form === undefined) throw new SftunnelCaError('PEM_INVALID', `a ${block.label} block is not an RSA private key`, { file: source });
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: Buffer.from(block.der), format: 'der', type: form });
  } catch (cause) {
    throw new SftunnelCaError('PEM_INVALID', `the ${block.label} block does not hold a readable private key`, { file: source, line: block.line, cause });
  }
  if (keyObject.asymmetricKeyType !== 'rsa') {
    throw new SftunnelCaError('KEY_NOT_RSA', `the key is ${keyObject.asymmetricKeyType ?? 'of an unknown type'}, not RSA; the appliance uses RSA keys`, { file: source, line: block.line });
  }
  return { keyObject, form };
}

/**
 * Writes a private key as PEM in the given form (PKCS#1 by default, as the appliance does).
 *
 * @param privateKey - an extractable RSA private key
 * @param form - `pkcs1` or `pkcs8`
 * @param crypto - the WebCrypto provider; default native
 *
 * @example
 * ```ts
 * const keys = await generateRsaKeyPair();
 * const pem = await exportRsaPrivateKeyPem(keys.privateKey, 'pkcs1'); // -----BEGIN RSA PRIVATE KEY-----
 * ```
 */
export async function exportRsaPrivateKeyPem(privateKey: CryptoKey, form: PrivateKeyPemForm = 'pkcs1', crypto: CryptoProvider = nativeCrypto): Promise<string> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey));
  if (form === 'pkcs8') return encodePem('PRIVATE KEY', pkcs8);
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs1' }).toString();
}

/**
 * The DER SubjectPublicKeyInfo of a private key, to compare with a certificate's.
 *
 * @param pem - a private key in PEM (PKCS#1 or PKCS#8)
 * @param source - a name for errors
 */
export function publicKeyInfoOfPrivateKey(pem: string, source = 'private key'): Uint8Array {
  const { keyObject } = readRsaPrivateKey(pem, source);
  return new Uint8Array(createPublicKey(keyObject).export({ format: 'der', type: 'spki' }));
}

/**
 * The PEM form of a private key file, so that a renewed key can be written the same way.
 *
 * @param pem - a private key file's content
 * @param source - a name for errors
 *
 * @example
 * ```ts
 * const form = privateKeyPemForm(oldKeyPem, 'sftunnel-key.pem'); // 'pkcs1' (BEGIN RSA PRIVATE KEY) or 'pkcs8'
 * const newKeyPem = await exportRsaPrivateKeyPem(keys.privateKey, form);
 * ```
 */
export function privateKeyPemForm(pem: string, source = 'private key'): PrivateKeyPemForm {
  return readRsaPrivateKey(pem, source).form;
}
