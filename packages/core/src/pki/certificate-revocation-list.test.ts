import { describe, expect, it } from 'vitest';
import { useCaFixture } from '../../test/ca-fixture.js';
import { openssl } from '../../test/openssl.js';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { CertificateRevocationList, createCertificateRevocationList } from './certificate-revocation-list.js';
import { createInternalCA } from './internal-ca-generator.js';
import { issueSftunnelCertificate } from './sftunnel-certificate.js';

const NOW = new Date('2025-03-01T08:00:00Z');

describe('createCertificateRevocationList', () => {
  const fixture = useCaFixture({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now: NOW });

  it('makes an empty CRL that openssl crl verifies against the CA', async () => {
    const crl = await createCertificateRevocationList({ ca: fixture.ca, now: NOW });
    const crlPath = await fixture.work.write('crl.pem', crl.pem);
    const verify = await openssl(['crl', '-in', crlPath, '-CAfile', fixture.caPath, '-noout']);
    expect(verify.code).toBe(0);
    expect(verify.stderr.trim()).toBe('verify OK');
    const text = (await openssl(['crl', '-in', crlPath, '-noout', '-text'])).stdout;
    expect(text).toContain('No Revoked Certificates.');
    expect(text).toMatch(/X509v3 CRL Number: \s*\n\s+1\n/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(crl.nextUpdate?.getTime()).toBe(fixture.ca.certificate.notAfter.getTime());
  });

  it('lists revoked serials with reason superseded, and reads back', async () => {
    const crl = await createCertificateRevocationList({ ca: fixture.ca, now: NOW, revoked: [{ serial: 15n }, { serial: 200n }], crlNumber: 7 });
    const crlPath = await fixture.work.write('crl-revoked.pem', crl.pem);
    expect((await openssl(['crl', '-in', crlPath, '-CAfile', fixture.caPath, '-noout'])).stderr.trim()).toBe('verify OK');
    const text = (await openssl(['crl', '-in', crlPath, '-noout', '-text'])).stdout;
    expect(text.match(/Serial Number: ([0-9A-F]+)/g)).toEqual(['Serial Number: 0F', 'Serial Number: C8']);
    expect(text.match(/Superseded/g)).toHaveLength(2);
    const parsed = CertificateRevocationList.fromPem(crl.pem);
    expect(parsed.revokedSerials).toEqual([15n, 200n]);
    expect(await parsed.isSignedBy(fixture.ca)).toBe(true);
  });

  it('is not taken as signed by another CA', async () => {
    const other = await createInternalCA({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now: NOW });
    const crl = await createCertificateRevocationList({ ca: other, now: NOW });
    expect(await CertificateRevocationList.fromPem(crl.pem).isSignedBy(fixture.ca)).toBe(false);
    const crlPath = await fixture.work.write('crl-other.pem', crl.pem);
    expect((await openssl(['crl', '-in', crlPath, '-CAfile', fixture.caPath, '-noout'])).stderr).toContain('verify failure');
  });

  it('backdates lastUpdate like notBefore: a device whose clock is 12 h behind checks the CRL without “CRL is not yet valid”', async () => {
    const later = new Date(NOW.getTime() + 30 * 86_400_000);
    const leaf = await issueSftunnelCertificate({ ca: fixture.ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', now: later });
    const leafPath = await fixture.work.write('crl-leaf.pem', leaf.certificate.pem);
    const behind = String(Math.floor((later.getTime() - 12 * 3_600_000) / 1000));
    const crl = await createCertificateRevocationList({ ca: fixture.ca, now: later });
    expect(crl.thisUpdate.toISOString()).toBe(new Date(later.getTime() - 86_400_000).toISOString());
    const crlPath = await fixture.work.write('crl-backdated.pem', crl.pem);
    const verify = await openssl(['verify', '-crl_check', '-attime', behind, '-CAfile', fixture.caPath, '-CRLfile', crlPath, leafPath]);
    expect(verify.stdout.trim(), verify.stderr).toBe(`${leafPath}: OK`);
    // The backdate is an option: one hour does not cover a clock 12 h behind.
    const short = await createCertificateRevocationList({ ca: fixture.ca, now: later, backdateMs: 3_600_000 });
    const shortPath = await fixture.work.write('crl-short.pem', short.pem);
    const refused = await openssl(['verify', '-crl_check', '-attime', behind, '-CAfile', fixture.caPath, '-CRLfile', shortPath, leafPath]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('CRL is not yet valid');
    // Never before the CA itself.
    const first = await createCertificateRevocationList({ ca: fixture.ca, now: NOW, backdateMs: 7 * 86_400_000 });
    expect(first.thisUpdate.getTime()).toBe(fixture.ca.certificate.notBefore.getTime());
  });

  it('refuses a nextUpdate in the past', async () => {
    const error = await createCertificateRevocationList({ ca: fixture.ca, now: NOW, nextUpdate: new Date(NOW.getTime() - 1) }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
