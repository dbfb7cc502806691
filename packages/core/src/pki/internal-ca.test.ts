import { describe, expect, it } from 'vitest';
import { useCaFixture } from '../../test/ca-fixture.js';
import { openssl } from '../../test/openssl.js';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from './certificate.js';
import { createInternalCA } from './internal-ca-generator.js';
import { InternalCA } from './internal-ca.js';

const FMC_UUID = '06f5f3ca-c77b-11e2-81bf-884d9d11f3ef';
const NOW = new Date('2024-10-09T10:12:50Z');

describe('createInternalCA', () => {
  const fixture = useCaFixture({ fmcUuid: FMC_UUID, now: NOW });

  it('prints the subject and issuer in OpenSSL one-line form exactly as the FTD logs them', async () => {
    const result = await openssl(['x509', '-in', fixture.caPath, '-noout', '-subject', '-issuer', '-nameopt', 'compat']);
    expect(result.code).toBe(0);
    const expected = `/title=InternalCA/OU=Intrusion Management System/CN=${FMC_UUID}/O=Cisco Systems, Inc`;
    expect(result.stdout).toBe(`subject=${expected}\nissuer=${expected}\n`);
    expect(fixture.ca.certificate.subject).toBe(expected);
  });

  it('is a self-signed CA that openssl verify accepts', async () => {
    const result = await openssl(['verify', '-attime', String(NOW.getTime() / 1000 + 60), '-CAfile', fixture.caPath, fixture.caPath]);
    expect(result.stdout.trim()).toBe(`${fixture.caPath}: OK`);
  });

  it('has the CA extensions, RSA 2048 and sha256WithRSAEncryption', async () => {
    const text = (await openssl(['x509', '-in', fixture.caPath, '-noout', '-text'])).stdout;
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/X509v3 Key Usage: \s*\n\s+Certificate Sign, CRL Sign/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text.match(/Signature Algorithm: sha256WithRSAEncryption/g)).toHaveLength(2);
    expect(text.match(/X509v3 (?!extensions)[A-Za-z ]+:/g)).toEqual(['X509v3 Basic Constraints:', 'X509v3 Key Usage:', 'X509v3 Subject Key Identifier:', 'X509v3 Authority Key Identifier:']);
  });

  it('is valid ten years from a notBefore backdated by one day', async () => {
    const dates = (await openssl(['x509', '-in', fixture.caPath, '-noout', '-dates'])).stdout;
    expect(dates).toBe('notBefore=Oct  8 10:12:50 2024 GMT\nnotAfter=Oct  9 10:12:50 2034 GMT\n');
  });

  it('writes a PKCS#1 private key whose public key is the certificate’s', async () => {
    const keyPem = await fixture.ca.privateKeyPem();
    expect(keyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    const keyPath = await fixture.work.write('ca-key.pem', keyPem);
    const fromKey = await openssl(['pkey', '-in', keyPath, '-pubout']);
    const fromCert = await openssl(['x509', '-in', fixture.caPath, '-noout', '-pubkey']);
    expect(fromKey.code).toBe(0);
    expect(fromKey.stdout).toBe(fromCert.stdout);
  });

  it('takes the organization of older systems', async () => {
    const old = await createInternalCA({ fmcUuid: FMC_UUID, now: NOW, organization: 'Sourcefire, Inc.' });
    const path = await fixture.work.write('old-ca.pem', old.certificate.pem);
    const result = await openssl(['x509', '-in', path, '-noout', '-subject', '-nameopt', 'compat']);
    expect(result.stdout).toBe(`subject=/title=InternalCA/OU=Intrusion Management System/CN=${FMC_UUID}/O=Sourcefire, Inc.\n`);
  });

  it('loads back from PEM with a serial sequence that continues where asked', async () => {
    const loaded = await InternalCA.fromPem(fixture.ca.certificate.pem, await fixture.ca.privateKeyPem(), { nextSerial: 16n });
    expect(loaded.certificate.fingerprintSha256).toBe(fixture.ca.certificate.fingerprintSha256);
    expect(loaded.serials.take()).toBe(16n);
    expect(loaded.keyForm).toBe('pkcs1');
  });

  it('refuses a UUID that is not a UUID, naming the option', async () => {
    const error = await createInternalCA({ fmcUuid: 'not-a-uuid', now: NOW }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'INVALID_UUID')).toBe(true);
    expect((error as Error).message).toContain('fmcUuid');
  });

  it('refuses SHA-1', async () => {
    const error = await createInternalCA({ fmcUuid: FMC_UUID, now: NOW, hash: 'SHA-1' as never }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'WEAK_SIGNATURE_ALGORITHM')).toBe(true);
  });

  it('refuses to load a certificate that is not a CA', async () => {
    const leafOpenssl = await fixture.work.write('leaf.cnf', '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:FALSE\n');
    const keyPath = `${fixture.work.dir}/leaf-key.pem`;
    const certPath = `${fixture.work.dir}/leaf.pem`;
    await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-subj', '/CN=localhost', '-config', leafOpenssl, '-extensions', 'v3']);
    const { readFile } = await import('node:fs/promises');
    const error = await InternalCA.fromPem(await readFile(certPath, 'utf8'), await readFile(keyPath, 'utf8')).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'NOT_A_CA')).toBe(true);
    expect(Certificate.fromPem(await readFile(certPath, 'utf8')).isCertificateAuthority).toBe(false);
  });
});
