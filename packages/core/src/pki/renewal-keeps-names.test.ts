import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, scratch, type Scratch } from '../../test/openssl.js';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from './certificate.js';
import { renewInternalCA } from './internal-ca-generator.js';
import { InternalCA } from './internal-ca.js';
import { privateKeyPemForm } from './rsa-key.js';
import { reissueSftunnelCertificate } from './sftunnel-certificate.js';

const FMC_UUID = '06f5f3ca-c77b-11e2-81bf-884d9d11f3ef';
const FTD_UUID = '6bf1143a-8a2e-11ef-92d8-fd927e807d77';

// string_mask = default: OpenSSL picks PrintableString where the value fits (not UTF8String as we do),
// and the attribute order differs from the appliance's: renewal must keep both, byte for byte.
const CONFIG = `
[req]
distinguished_name = dn
string_mask = default
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** The Name part of `openssl asn1parse` output: each attribute's type and string type, in order. */
async function subjectShape(path: string): Promise<string[]> {
  const parsed = (await openssl(['asn1parse', '-in', path])).stdout.split('\n');
  const shape: string[] = [];
  let seen = 0;
  for (const line of parsed) {
    if (/prim: OBJECT\s+:(title|generationQualifier|commonName|organizationName|organizationalUnitName)$/.test(line) || /STRING\s+:/.test(line)) {
      shape.push(line.replace(/^.*?(prim: )/, ''));
      seen += 1;
    }
  }
  // issuer first, then subject: keep the subject's half
  return shape.slice(seen / 2);
}

describe('renewal keeps what the appliance knows', () => {
  let work: Scratch;
  const path = (name: string): string => `${work.dir}/${name}`;

  beforeAll(async () => {
    work = await scratch();
    await work.write('openssl.cnf', CONFIG);
    const cnf = path('openssl.cnf');
    expect((await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', path('ca-key.pem')])).code).toBe(0);
    const made = await openssl([
      'req', '-x509', '-new', '-key', path('ca-key.pem'), '-sha384', '-days', '3650', '-config', cnf, '-extensions', 'ca',
      '-subj', `/O=Sourcefire, Inc./CN=${FMC_UUID}/OU=Intrusion Management System/title=InternalCA`, '-out', path('cacert.pem'),
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect((await openssl(['genrsa', '-traditional', '-out', path('sftunnel-key.pem'), '2048'])).code).toBe(0);
    expect((await openssl(['req', '-new', '-key', path('sftunnel-key.pem'), '-config', cnf, '-subj', `/CN=localhost/OU=Intrusion Management System/O=Sourcefire, Inc./title=${FTD_UUID}/generationQualifier=sftunnel`, '-out', path('sftunnel.csr')])).code).toBe(0);
    const signed = await openssl([
      'x509', '-req', '-in', path('sftunnel.csr'), '-CA', path('cacert.pem'), '-CAkey', path('ca-key.pem'), '-set_serial', '15', '-sha384',
      '-days', '365', '-extfile', cnf, '-extensions', 'leaf', '-out', path('sftunnel-cert.pem'),
    ]);
    expect(signed.code, signed.stderr).toBe(0);
  });
  afterAll(() => work.remove());

  it('renews an openssl-made CA with its subject byte-identical, its key size and its hash', async () => {
    const currentPem = await readFile(path('cacert.pem'), 'utf8');
    const current = Certificate.fromPem(currentPem);
    const renewed = await renewInternalCA({ current: currentPem, now: new Date() });
    await work.write('renewed-ca.pem', renewed.certificate.pem);

    expect(Buffer.from(renewed.certificate.subjectDer).equals(Buffer.from(current.subjectDer))).toBe(true);
    expect(Buffer.from(renewed.certificate.issuerDer).equals(Buffer.from(current.subjectDer))).toBe(true);
    expect(await subjectShape(path('renewed-ca.pem'))).toEqual(await subjectShape(path('cacert.pem')));
    expect((await subjectShape(path('cacert.pem'))).some((line) => line.startsWith('PRINTABLESTRING'))).toBe(true);

    const text = (await openssl(['x509', '-in', path('renewed-ca.pem'), '-noout', '-text'])).stdout;
    expect(text).toContain('Public-Key: (3072 bit)');
    expect(text).toContain('Signature Algorithm: sha384WithRSAEncryption');
    const extensionsOf = (certificateText: string): string[] => certificateText.match(/X509v3 (?!extensions)[A-Za-z ]+:/g) ?? [];
    const before = (await openssl(['x509', '-in', path('cacert.pem'), '-noout', '-text'])).stdout;
    expect(extensionsOf(text)).toEqual(extensionsOf(before));
    expect(extensionsOf(text)).toContain('X509v3 Authority Key Identifier:');
    const keyIds = text.match(/Key Identifier: \s*\n\s+([0-9A-F:]+)/g) ?? [];
    expect(keyIds).toHaveLength(2);
    expect(keyIds[0]?.split(/\s+/).pop()).toBe(keyIds[1]?.split(/\s+/).pop());
    expect(before).not.toContain(keyIds[0]?.split(/\s+/).pop() ?? 'none');
    expect(renewed.certificate.fingerprintSha256).not.toBe(current.fingerprintSha256);
    expect(renewed.certificate.serialNumber).not.toBe(current.serialNumber);
    const verify = await openssl(['verify', '-CAfile', path('renewed-ca.pem'), path('renewed-ca.pem')]);
    expect(verify.stdout).toContain(': OK');
  });

  it('re-issues an openssl-made sftunnel certificate with its subject byte-identical, signed by the renewed CA', async () => {
    const currentPem = await readFile(path('sftunnel-cert.pem'), 'utf8');
    const renewedCa = await renewInternalCA({ current: await readFile(path('cacert.pem'), 'utf8'), issued: [Certificate.fromPem(currentPem)], now: new Date() });
    await work.write('renewed-ca-2.pem', renewedCa.certificate.pem);
    const oldKeyPem = await readFile(path('sftunnel-key.pem'), 'utf8');
    expect(privateKeyPemForm(oldKeyPem)).toBe('pkcs1');
    const reissued = await reissueSftunnelCertificate({ ca: renewedCa, current: currentPem, now: new Date(), keyForm: privateKeyPemForm(oldKeyPem) });
    await work.write('reissued.pem', reissued.certificate.pem);

    expect(Buffer.from(reissued.certificate.subjectDer).equals(Buffer.from(Certificate.fromPem(currentPem).subjectDer))).toBe(true);
    expect(await subjectShape(path('reissued.pem'))).toEqual(await subjectShape(path('sftunnel-cert.pem')));
    expect(reissued.certificate.serialNumber).toBe(renewedCa.certificate.serialNumber + 1n);
    expect(reissued.privateKeyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    const verify = await openssl(['verify', '-CAfile', path('renewed-ca-2.pem'), path('reissued.pem')]);
    expect(verify.stdout.trim()).toBe(`${path('reissued.pem')}: OK`);
    const oldCaRejects = await openssl(['verify', '-CAfile', path('cacert.pem'), path('reissued.pem')]);
    expect(oldCaRejects.code).not.toBe(0);
  });

  it('keeps the PKCS#8 form of the key file it replaces', async () => {
    const caKeyPem = await readFile(path('ca-key.pem'), 'utf8');
    expect(privateKeyPemForm(caKeyPem)).toBe('pkcs8');
    const loaded = await InternalCA.fromPem(await readFile(path('cacert.pem'), 'utf8'), caKeyPem);
    expect(loaded.keyForm).toBe('pkcs8');
    const renewed = await renewInternalCA({ current: loaded.certificate, now: new Date(), keyForm: loaded.keyForm });
    expect((await renewed.privateKeyPem()).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
  });

  it('refuses to renew a certificate that is not a CA', async () => {
    const error = await renewInternalCA({ current: await readFile(path('sftunnel-cert.pem'), 'utf8'), now: new Date() }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'NOT_A_CA')).toBe(true);
  });
});
