import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, scratch, type Scratch } from '../../test/openssl.js';
import { expectCodedRejection } from '../../test/expect-coded-error.js';
import { Certificate } from './certificate.js';
import { verifyIssuedBy } from './chain-verification.js';
import { createInternalCA } from './internal-ca-generator.js';
import { InternalCA } from './internal-ca.js';
import { assertKeyMatchesCertificate } from './key-certificate-match.js';
import { parsePem } from './pem.js';
import { importRsaPrivateKey } from './rsa-key.js';
import { issueSftunnelCertificate } from './sftunnel-certificate.js';

const FMC_UUID = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD_UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const NOW = new Date('2025-06-01T00:00:00Z');

describe('pki refuses bad input with stable codes', () => {
  let work: Scratch;
  let ca: InternalCA;

  beforeAll(async () => {
    work = await scratch();
    ca = await createInternalCA({ fmcUuid: FMC_UUID, now: NOW });
  });
  afterAll(() => work.remove());

  it('PEM_INVALID for garbage, naming the input', async () => {
    const error = await expectCodedRejection(() => Certificate.fromPem('hello, world', '/etc/sf/ca_root/cacert.pem'), 'PEM_INVALID');
    expect(error.message).toContain('/etc/sf/ca_root/cacert.pem');
    expect(error.message).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('PEM_INVALID for a block that is not DER of a certificate, with its line', async () => {
    const text = `junk\n-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate at all').toString('base64')}\n-----END CERTIFICATE-----\n`;
    const error = await expectCodedRejection(() => Certificate.fromPem(text, 'sftunnel-cert.pem'), 'PEM_INVALID');
    expect(error.message).toContain('sftunnel-cert.pem');
  });

  it('PEM_INVALID for a block never closed, or with non-base64 lines, with the line number', async () => {
    const unclosed = await expectCodedRejection(() => parsePem('\n\n-----BEGIN CERTIFICATE-----\nAAAA\n', { source: 'x.pem' }), 'PEM_INVALID');
    expect(unclosed.message).toContain('x.pem:3');
    const notBase64 = await expectCodedRejection(() => parsePem('-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n', { source: 'y.pem' }), 'PEM_INVALID');
    expect(notBase64.message).toContain('y.pem:2');
  });

  it('KEY_NOT_RSA for an EC key', async () => {
    const keyPath = `${work.dir}/ec.pem`;
    expect((await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath])).code).toBe(0);
    const ecKeyPem = await readFile(keyPath, 'utf8');
    const error = await expectCodedRejection(() => importRsaPrivateKey(ecKeyPem, { source: 'sftunnel-key.pem' }), 'KEY_NOT_RSA');
    expect(error.message).toContain('ec');
    expect(error.message).toContain('sftunnel-key.pem');
  });

  it('NOT_ISSUED_BY_CA for a certificate of another CA, naming both', async () => {
    const other = await createInternalCA({ fmcUuid: '06f5f3ca-c77b-11e2-81bf-884d9d11f3ef', now: NOW });
    const foreign = await issueSftunnelCertificate({ ca: other, peerUuid: FTD_UUID, now: NOW });
    const error = await expectCodedRejection(() => verifyIssuedBy(foreign.certificate, ca.certificate, { source: 'FTD-1 sftunnel-cert.pem' }), 'NOT_ISSUED_BY_CA');
    expect(error.message).toContain('06f5f3ca-c77b-11e2-81bf-884d9d11f3ef');
    expect(error.message).toContain(FMC_UUID);
    expect(error.message).toContain('FTD-1 sftunnel-cert.pem');
  });

  it('NOT_ISSUED_BY_CA for a CA of the same name but another key (a CA of another renewal)', async () => {
    const twin = await createInternalCA({ fmcUuid: FMC_UUID, now: NOW });
    const issued = await issueSftunnelCertificate({ ca: twin, peerUuid: FTD_UUID, now: NOW });
    const error = await expectCodedRejection(() => verifyIssuedBy(issued.certificate, ca.certificate), 'NOT_ISSUED_BY_CA');
    expect(error.message).toContain('signature does not verify');
  });

  it('verifies a good chain, and says which depth has expired', async () => {
    const issued = await issueSftunnelCertificate({ ca, peerUuid: FTD_UUID, now: NOW });
    await expect(verifyIssuedBy(issued.certificate, ca.certificate, { now: NOW })).resolves.toBeUndefined();
    const error = await expectCodedRejection(() => verifyIssuedBy(issued.certificate, ca.certificate, { now: new Date('2040-01-01T00:00:00Z') }), 'CERTIFICATE_EXPIRED');
    expect(error.message).toContain('depth 1');
    const early = await expectCodedRejection(() => verifyIssuedBy(issued.certificate, ca.certificate, { now: new Date('2020-01-01T00:00:00Z') }), 'CERTIFICATE_NOT_YET_VALID');
    expect(early.message).toContain('depth 1');
  });

  it('KEY_CERT_MISMATCH for a key that does not belong to the certificate', async () => {
    const first = await issueSftunnelCertificate({ ca, peerUuid: FTD_UUID, now: NOW });
    const second = await issueSftunnelCertificate({ ca, peerUuid: FTD_UUID, now: NOW });
    expect(() => assertKeyMatchesCertificate(first.privateKeyPem, first.certificate)).not.toThrow();
    const error = await expectCodedRejection(() => assertKeyMatchesCertificate(second.privateKeyPem, first.certificate, '/var/sf/peers/x/sftunnel-key.pem'), 'KEY_CERT_MISMATCH');
    expect(error.message).toContain('/var/sf/peers/x/sftunnel-key.pem');
    expect(error.message).not.toContain('PRIVATE KEY');
    await expectCodedRejection(() => InternalCA.fromPem(ca.certificate.pem, second.privateKeyPem), 'KEY_CERT_MISMATCH');
  });

  it('INVALID_UUID for a UUID that is not a UUID', async () => {
    await expectCodedRejection(() => issueSftunnelCertificate({ ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993', now: NOW }), 'INVALID_UUID');
  });

  it('reports what to do through the remedy and JSON, without a stack', async () => {
    const error = await expectCodedRejection(() => Certificate.fromPem('', 'cacert.pem'), 'PEM_INVALID');
    const json = (error as unknown as { toJSON(): Record<string, unknown> }).toJSON();
    expect(json).toMatchObject({ code: 'PEM_INVALID', file: 'cacert.pem' });
    expect(String(json.remedy)).toMatch(/openssl/);
    expect(JSON.stringify(json)).not.toContain('stack');
  });
});
