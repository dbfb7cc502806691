import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, scratch, type Scratch } from '../../test/openssl.js';
import { nativeCrypto } from './crypto-provider.js';
import { createCertificateRevocationList } from './certificate-revocation-list.js';
import { createInternalCA } from './internal-ca-generator.js';
import { issueSftunnelCertificate } from './sftunnel-certificate.js';

describe('the crypto provider', () => {
  let work: Scratch;
  beforeAll(async () => {
    work = await scratch();
  });
  afterAll(() => work.remove());

  it('defaults to Node’s native WebCrypto', () => {
    expect(nativeCrypto).toBe(globalThis.crypto);
  });

  it('can be @peculiar/webcrypto instead, with the same result for openssl', async () => {
    const peculiar = new PeculiarCrypto();
    const now = new Date();
    const ca = await createInternalCA({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now }, peculiar);
    const device = await issueSftunnelCertificate({ ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', now }, peculiar);
    const crl = await createCertificateRevocationList({ ca, now }, peculiar);
    const caPath = await work.write('cacert.pem', ca.certificate.pem);
    const certPath = await work.write('cert.pem', device.certificate.pem);
    const crlPath = await work.write('crl.pem', crl.pem);
    expect((await openssl(['verify', '-CAfile', caPath, certPath])).stdout.trim()).toBe(`${certPath}: OK`);
    expect((await openssl(['crl', '-in', crlPath, '-CAfile', caPath, '-noout'])).stderr.trim()).toBe('verify OK');
    expect(await ca.privateKeyPem(peculiar)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  });
});
