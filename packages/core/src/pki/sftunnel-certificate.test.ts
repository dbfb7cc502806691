import { describe, expect, it } from 'vitest';
import { useCaFixture } from '../../test/ca-fixture.js';
import { openssl } from '../../test/openssl.js';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { createInternalCA } from './internal-ca-generator.js';
import { issueSftunnelCertificate } from './sftunnel-certificate.js';

const FMC_UUID = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD_UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const NOW = new Date('2025-01-15T12:00:00Z');

describe('issueSftunnelCertificate', () => {
  const fixture = useCaFixture({ fmcUuid: FMC_UUID, now: NOW });

  it('issues a certificate that openssl verifies against the CA, with the sftunnel subject', async () => {
    const issued = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: NOW });
    const certPath = await fixture.work.write('sftunnel-cert.pem', issued.certificate.pem);
    const verify = await openssl(['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', fixture.caPath, certPath]);
    expect(verify.stdout.trim()).toBe(`${certPath}: OK`);
    const names = await openssl(['x509', '-in', certPath, '-noout', '-subject', '-issuer', '-nameopt', 'compat']);
    expect(names.stdout).toBe(
      `subject=/generationQualifier=sftunnel/title=${FTD_UUID}/O=Cisco Systems, Inc/OU=Intrusion Management System/CN=localhost\n` +
        `issuer=/title=InternalCA/OU=Intrusion Management System/CN=${FMC_UUID}/O=Cisco Systems, Inc\n`,
    );
  });

  it('has the appliance’s three extensions plus an authority key identifier naming the CA, and a key that matches', async () => {
    const issued = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: NOW });
    const certPath = await fixture.work.write('three.pem', issued.certificate.pem);
    const text = (await openssl(['x509', '-in', certPath, '-noout', '-text'])).stdout;
    expect(text.match(/X509v3 (?!extensions)[A-Za-z ]+:/g)).toEqual(['X509v3 Basic Constraints:', 'X509v3 Key Usage:', 'X509v3 Extended Key Usage:', 'X509v3 Authority Key Identifier:']);
    const caText = (await openssl(['x509', '-in', fixture.caPath, '-noout', '-text'])).stdout;
    const caKeyId = /X509v3 Subject Key Identifier: ?\s*\n\s+([0-9A-F:]+)/.exec(caText)?.[1];
    expect(caKeyId).toBeDefined();
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier: ?\\s*\\n\\s+(keyid:)?${caKeyId ?? 'none'}\\n`));
    const strict = await openssl(['verify', '-x509_strict', '-attime', String(NOW.getTime() / 1000), '-CAfile', fixture.caPath, certPath]);
    expect(strict.stdout.trim(), strict.stderr).toBe(`${certPath}: OK`);
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(issued.privateKeyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    const keyPath = await fixture.work.write('three-key.pem', issued.privateKeyPem);
    const fromKey = await openssl(['pkey', '-in', keyPath, '-pubout']);
    const fromCert = await openssl(['x509', '-in', certPath, '-noout', '-pubkey']);
    expect(fromKey.stdout).toBe(fromCert.stdout);
  });

  it('hands out small positive serials, never one twice', async () => {
    const fresh = await createInternalCA({ fmcUuid: FMC_UUID, now: NOW, firstSerial: 15n });
    const serials: bigint[] = [];
    for (let index = 0; index < 4; index += 1) {
      serials.push((await issueSftunnelCertificate({ ca: fresh, peerUuid: FTD_UUID, now: NOW })).certificate.serialNumber);
    }
    expect(serials).toEqual([15n, 16n, 17n, 18n]);
    const path = await fixture.work.write('serial.pem', (await issueSftunnelCertificate({ ca: fresh, peerUuid: FTD_UUID, now: NOW })).certificate.pem);
    expect((await openssl(['x509', '-in', path, '-noout', '-serial'])).stdout).toBe('serial=13\n');
  });

  it('keeps validity inside the CA’s, backdated by a day but never before the CA', async () => {
    const issued = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: NOW, notAfter: new Date('2099-01-01T00:00:00Z') });
    expect(issued.certificate.notAfter.getTime()).toBe(fixture.ca.certificate.notAfter.getTime());
    expect(issued.certificate.notBefore.getTime()).toBe(fixture.ca.certificate.notBefore.getTime());
    const later = new Date(NOW.getTime() + 30 * 86_400_000);
    const second = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: later, backdateMs: 3_600_000 });
    expect(second.certificate.notBefore.toISOString()).toBe(new Date(later.getTime() - 3_600_000).toISOString());
  });

  it('writes PKCS#8 when asked', async () => {
    const issued = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: NOW, keyForm: 'pkcs8' });
    expect(issued.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    const keyPath = await fixture.work.write('pkcs8.pem', issued.privateKeyPem);
    expect((await openssl(['pkey', '-in', keyPath, '-noout'])).code).toBe(0);
  });

  it('refuses to issue from an expired CA', async () => {
    const error = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: FTD_UUID, now: new Date('2036-01-01T00:00:00Z') }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'CERTIFICATE_EXPIRED')).toBe(true);
    expect((error as Error).message).toContain('renew the CA');
  });

  it('refuses a peer UUID that is not a UUID', async () => {
    const error = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: '../../etc', now: NOW }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'INVALID_UUID')).toBe(true);
    expect((error as Error).message).toContain('peerUuid');
  });
});
