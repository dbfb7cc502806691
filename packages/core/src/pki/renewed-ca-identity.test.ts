import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, scratch, type Scratch } from '../../test/openssl.js';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from './certificate.js';
import { createInternalCA, renewInternalCA } from './internal-ca-generator.js';
import { InternalCA } from './internal-ca.js';
import { SerialNumberSequence } from './serial-number-sequence.js';
import { issueSftunnelCertificate, reissueSftunnelCertificate } from './sftunnel-certificate.js';

// A renewed InternalCA keeps the old one's name: issuer + serial and the key identifiers are what
// tell the two generations apart (RFC 5280; NSS, OpenSSL).

const FMC_UUID = '06f5f3ca-c77b-11e2-81bf-884d9d11f3ef';
const DEVICE_UUIDS = ['c8d5d5c6-87c9-11ef-a993-b9831565bc4e', '6bf1143a-8a2e-11ef-92d8-fd927e807d77', '0b0d7a4e-8a2f-11ef-8e0c-1f2b3c4d5e6f'];
const DAY_MS = 86_400_000;
/** The old CA was made ten years and a month before NOW: it expired a month ago. */
const OLD_CA_MADE = new Date('2014-12-15T12:00:00Z');
const NOW = new Date('2025-01-15T12:00:00Z');
const at = (date: Date): string => String(Math.floor(date.getTime() / 1000));
/** `random` for createInternalCA: the CA's own serial is `serial` (8 bytes, big-endian). */
const serialBytes = (serial: bigint) => (size: number): Uint8Array => Uint8Array.from(Buffer.from(serial.toString(16).padStart(size * 2, '0'), 'hex'));

describe('a renewed InternalCA continues the serials of the one it replaces', () => {
  it('takes for itself the next serial above the old CA’s own and every one it issued, and hands out the following ones', async () => {
    const old = await createInternalCA({ fmcUuid: FMC_UUID, now: OLD_CA_MADE, firstSerial: 2n, random: serialBytes(17n) });
    const issuedAt = new Date(OLD_CA_MADE.getTime() + DAY_MS);
    const fmc = await issueSftunnelCertificate({ ca: old, peerUuid: FMC_UUID, now: issuedAt });
    const devices = [];
    for (const peerUuid of DEVICE_UUIDS.slice(0, 2)) devices.push(await issueSftunnelCertificate({ ca: old, peerUuid, now: issuedAt }));
    // A device registered later got serial 40: the highest the old CA issued.
    const later = await InternalCA.fromPem(old.certificate.pem, await old.privateKeyPem(), { nextSerial: 40n });
    devices.push(await issueSftunnelCertificate({ ca: later, peerUuid: DEVICE_UUIDS[2] as string, now: issuedAt }));
    const oldSerials = [old.certificate, fmc.certificate, ...devices.map((d) => d.certificate)].map((c) => c.serialNumber);
    expect(oldSerials).toEqual([17n, 2n, 3n, 4n, 40n]);

    const renewed = await renewInternalCA({ current: old.certificate, issued: [fmc.certificate, ...devices.map((d) => d.certificate)], now: NOW });
    const newFmc = await reissueSftunnelCertificate({ ca: renewed, current: fmc.certificate, now: NOW });
    const newDevices = [];
    for (const device of devices) newDevices.push(await reissueSftunnelCertificate({ ca: renewed, current: device.certificate, now: NOW }));
    const newSerials = [renewed.certificate, newFmc.certificate, ...newDevices.map((d) => d.certificate)].map((c) => c.serialNumber);
    expect(newSerials).toEqual([41n, 42n, 43n, 44n, 45n]);

    // Issuer + serial names one certificate across both generations (what NSS checks).
    const all = [old.certificate, fmc.certificate, ...devices.map((d) => d.certificate), renewed.certificate, newFmc.certificate, ...newDevices.map((d) => d.certificate)];
    const identities = all.map((c) => `${Buffer.from(c.issuerDer).toString('hex')}#${c.serialNumber}`);
    expect(new Set(identities).size).toBe(all.length);

    const work = await scratch();
    try {
      const path = await work.write('renewed.pem', renewed.certificate.pem);
      expect((await openssl(['x509', '-in', path, '-noout', '-serial'])).stdout).toBe('serial=29\n');
    } finally {
      await work.remove();
    }
  });

  it('continues above the old CA’s own serial when it is the highest (a random one), and without any issued certificate given', async () => {
    const old = await createInternalCA({ fmcUuid: FMC_UUID, now: OLD_CA_MADE, random: serialBytes(0x7f00_0000_0000_0000n) });
    const renewed = await renewInternalCA({ current: old.certificate, now: NOW });
    expect(renewed.certificate.serialNumber).toBe(0x7f00_0000_0000_0001n);
    expect(renewed.serials.next).toBe(0x7f00_0000_0000_0002n);
    // Renewing the renewal continues again.
    const third = await renewInternalCA({ current: renewed.certificate, issued: [(await issueSftunnelCertificate({ ca: renewed, peerUuid: FMC_UUID, now: NOW })).certificate], now: NOW });
    expect(third.certificate.serialNumber).toBe(0x7f00_0000_0000_0003n);
  });

  it('SerialNumberSequence.above starts at 1 for nothing seen and refuses to go past 20 octets', () => {
    expect(SerialNumberSequence.above([]).next).toBe(1n);
    expect(SerialNumberSequence.above([5n, 300n, 7n]).take()).toBe(301n);
    let error: unknown;
    try {
      SerialNumberSequence.above([(1n << 159n) - 1n]);
    } catch (caught) {
      error = caught;
    }
    expect(isSftunnelCaError(error, 'SERIAL_EXHAUSTED')).toBe(true);
  });
});

describe('key identifiers tell an expired InternalCA and its renewal apart', () => {
  let work: Scratch;
  let old: InternalCA;
  let renewed: InternalCA;
  let oldLeafPath: string;
  let newLeafPath: string;
  let bundles: string[];

  beforeAll(async () => {
    work = await scratch();
    old = await createInternalCA({ fmcUuid: FMC_UUID, now: OLD_CA_MADE });
    const oldLeaf = await issueSftunnelCertificate({ ca: old, peerUuid: DEVICE_UUIDS[0] as string, now: new Date(OLD_CA_MADE.getTime() + DAY_MS) });
    renewed = await renewInternalCA({ current: old.certificate, issued: [oldLeaf.certificate], now: NOW });
    const newLeaf = await issueSftunnelCertificate({ ca: renewed, peerUuid: DEVICE_UUIDS[0] as string, now: NOW });
    oldLeafPath = await work.write('old-leaf.pem', oldLeaf.certificate.pem);
    newLeafPath = await work.write('new-leaf.pem', newLeaf.certificate.pem);
    // Both orders: OpenSSL must not depend on which CA of the name it meets first.
    bundles = [
      await work.write('new-then-old.pem', renewed.certificate.pem + old.certificate.pem),
      await work.write('old-then-new.pem', old.certificate.pem + renewed.certificate.pem),
    ];
  });
  afterAll(() => work.remove());

  it('a certificate of the expired CA is reported expired (not a signature failure), with both CAs in one bundle, under -x509_strict', async () => {
    for (const bundle of bundles) {
      const verify = await openssl(['verify', '-x509_strict', '-attime', at(NOW), '-CAfile', bundle, oldLeafPath]);
      const said = verify.stdout + verify.stderr;
      expect(verify.code, said).not.toBe(0);
      expect(said).toMatch(/error 10 at \d depth lookup: certificate has expired/);
      expect(said).not.toMatch(/signature failure|Authority Key Identifier/);
    }
  });

  it('a certificate of the renewed CA verifies under -x509_strict against the same bundles', async () => {
    for (const bundle of bundles) {
      const verify = await openssl(['verify', '-x509_strict', '-attime', at(NOW), '-CAfile', bundle, newLeafPath]);
      expect(verify.stdout.trim(), verify.stderr).toBe(`${newLeafPath}: OK`);
    }
  });

  it('the CA made from scratch names its own key as subject and authority; its certificates name its key', async () => {
    const caPath = await work.write('old-ca.pem', old.certificate.pem);
    const caText = (await openssl(['x509', '-in', caPath, '-noout', '-text'])).stdout;
    const ski = keyIdentifier(caText, 'Subject');
    expect(ski).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){19}$/);
    expect(keyIdentifier(caText, 'Authority')).toBe(ski);
    const leafText = (await openssl(['x509', '-in', oldLeafPath, '-noout', '-text'])).stdout;
    expect(keyIdentifier(leafText, 'Authority')).toBe(ski);
    expect(keyIdentifier((await openssl(['x509', '-in', newLeafPath, '-noout', '-text'])).stdout, 'Authority')).not.toBe(ski);
  });
});

describe('a template’s key identifiers name the new keys, never the old', () => {
  let work: Scratch;
  const path = (name: string): string => `${work.dir}/${name}`;
  // The fullest form OpenSSL writes: keyid, issuer name and serial of the issuing CA.
  const CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer:always
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer:always
`;

  beforeAll(async () => {
    work = await scratch();
    const cnf = await work.write('openssl.cnf', CONFIG);
    const subject = `/title=InternalCA/OU=Intrusion Management System/CN=${FMC_UUID}/O=Cisco Systems, Inc`;
    const steps = [
      ['genrsa', '-traditional', '-out', path('ca-key.pem'), '2048'],
      ['req', '-x509', '-new', '-key', path('ca-key.pem'), '-sha256', '-days', '3650', '-set_serial', '7', '-config', cnf, '-extensions', 'ca', '-subj', subject, '-out', path('cacert.pem')],
      ['genrsa', '-traditional', '-out', path('leaf-key.pem'), '2048'],
      ['req', '-new', '-key', path('leaf-key.pem'), '-config', cnf, '-subj', `/generationQualifier=sftunnel/title=${DEVICE_UUIDS[1] as string}/O=Cisco Systems, Inc/OU=Intrusion Management System/CN=localhost`, '-out', path('leaf.csr')],
      ['x509', '-req', '-in', path('leaf.csr'), '-CA', path('cacert.pem'), '-CAkey', path('ca-key.pem'), '-set_serial', '15', '-sha256', '-days', '365', '-extfile', cnf, '-extensions', 'leaf', '-out', path('leaf.pem')],
    ];
    for (const step of steps) {
      const made = await openssl(step);
      expect(made.code, made.stderr).toBe(0);
    }
  });
  afterAll(() => work.remove());

  it('renewal writes keyid, issuer and serial of the NEW CA where the template had those of the old one, and OpenSSL verifies strictly', async () => {
    const { readFile } = await import('node:fs/promises');
    const oldCa = Certificate.fromPem(await readFile(path('cacert.pem'), 'utf8'));
    const oldLeaf = Certificate.fromPem(await readFile(path('leaf.pem'), 'utf8'));
    const now = new Date(oldCa.notBefore.getTime() + 30 * DAY_MS);
    const renewed = await renewInternalCA({ current: oldCa, issued: [oldLeaf], now });
    const reissued = await reissueSftunnelCertificate({ ca: renewed, current: oldLeaf, now });
    expect(renewed.certificate.serialNumber).toBe(16n);
    expect(reissued.certificate.serialNumber).toBe(17n);
    const caPath = await work.write('renewed-ca.pem', renewed.certificate.pem);
    const leafPath = await work.write('reissued.pem', reissued.certificate.pem);

    const text = async (p: string): Promise<string> => (await openssl(['x509', '-in', p, '-noout', '-text'])).stdout;
    const [oldCaText, oldLeafText, caText, leafText] = await Promise.all([text(path('cacert.pem')), text(path('leaf.pem')), text(caPath), text(leafPath)]);
    const oldKeyId = keyIdentifier(oldCaText, 'Subject');
    const newKeyId = keyIdentifier(caText, 'Subject');
    expect(newKeyId).not.toBe(oldKeyId);
    expect(keyIdentifier(caText, 'Authority')).toBe(newKeyId);
    expect(keyIdentifier(leafText, 'Authority')).toBe(newKeyId);
    expect(keyIdentifier(leafText, 'Subject')).not.toBe(keyIdentifier(oldLeafText, 'Subject'));
    // The same form as the template's (keyid, DirName, serial), naming the new CA: serial 0x10, not the old 0x07.
    expect(authoritySerial(oldCaText)).toBe('07');
    expect(authoritySerial(oldLeafText)).toBe('07');
    expect(authoritySerial(caText)).toBe('10');
    expect(authoritySerial(leafText)).toBe('10');
    expect(leafText).toContain(`DirName:/title=InternalCA/OU=Intrusion Management System/CN=${FMC_UUID}/O=Cisco Systems, Inc`);
    const extensionsOf = (certificateText: string): string[] => certificateText.match(/X509v3 (?!extensions)[A-Za-z ]+:/g) ?? [];
    expect(extensionsOf(leafText)).toEqual(extensionsOf(oldLeafText));

    const verify = await openssl(['verify', '-x509_strict', '-attime', at(now), '-CAfile', caPath, leafPath]);
    expect(verify.stdout.trim(), verify.stderr).toBe(`${leafPath}: OK`);
    const bundle = await work.write('bundle.pem', renewed.certificate.pem + oldCa.pem);
    const both = await openssl(['verify', '-x509_strict', '-attime', at(now), '-CAfile', bundle, leafPath, path('leaf.pem')]);
    expect(both.stdout, both.stderr).toBe(`${leafPath}: OK\n${path('leaf.pem')}: OK\n`);
  });
});

/** The key identifier OpenSSL prints for the subject's or the authority's key (hex with colons). */
function keyIdentifier(text: string, which: 'Subject' | 'Authority'): string | undefined {
  const block = new RegExp(`X509v3 ${which} Key Identifier: ?\\s*\\n\\s+(?:keyid:)?([0-9A-F]{2}(?::[0-9A-F]{2})+)`).exec(text);
  return block?.[1];
}

/** The authorityCertSerialNumber OpenSSL prints in the Authority Key Identifier, hex. */
function authoritySerial(text: string): string | undefined {
  const after = text.split('X509v3 Authority Key Identifier:')[1] ?? '';
  const block = after.split(/X509v3 |Signature Algorithm/)[0] ?? '';
  return /serial:([0-9A-F:]+)/.exec(block)?.[1]?.replace(/:/g, '');
}
