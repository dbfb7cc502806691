/**
 * Create an InternalCA and an sftunnel certificate for one device in a temporary directory,
 * verify the chain, and print the vendor's expiry check of the CA at three moments — no appliance needed.
 *
 *   npx tsx examples/create-internal-ca.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCertificateRevocationList,
  createInternalCA,
  expiryVerdict,
  formatVendorExpiryCheck,
  issueSftunnelCertificate,
  verifyIssuedBy,
} from '@sftunnel-ca/core';

const fmcUuid = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const ftdUuid = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const now = new Date();

const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-demo-'));
try {
  // 1. A new InternalCA, as the FMC makes it: RSA 2048, SHA-256, 10 years.
  const ca = await createInternalCA({ fmcUuid, now });
  // 2. The device's sftunnel certificate and key, signed by it; and the CA's CRL.
  const device = await issueSftunnelCertificate({ ca, peerUuid: ftdUuid, now });
  const crl = await createCertificateRevocationList({ ca, now });

  // 3. Written as the appliance holds them (private keys readable by the owner only).
  await writeFile(join(dir, 'cacert.pem'), ca.certificate.pem);
  await writeFile(join(dir, 'crl.pem'), crl.pem);
  await writeFile(join(dir, 'sftunnel-cert.pem'), device.certificate.pem);
  await writeFile(join(dir, 'sftunnel-key.pem'), device.privateKeyPem, { mode: 0o600 });

  // 4. The device's chain verifies against the new CA.
  await verifyIssuedBy(device.certificate, ca.certificate, { now });

  console.log(`InternalCA   ${ca.certificate.subject}`);
  console.log(`  serial ${ca.certificate.serialNumber.toString(16)}, valid until ${ca.certificate.notAfter.toUTCString()}`);
  console.log(`device cert  ${device.certificate.subject}`);
  console.log(`  serial 0x${device.certificate.serialNumber.toString(16).padStart(2, '0')}, chain verified`);
  console.log(`written to   ${dir} (removed on exit)`);

  // 5. What the vendor's one-line expiry check prints for this CA: today, 20 days before it
  //    expires, and 10 days after. `now` is injected, so any moment can be checked.
  const day = 86_400_000;
  const notAfter = ca.certificate.notAfter.getTime();
  for (const moment of [now, new Date(notAfter - 20 * day), new Date(notAfter + 10 * day)]) {
    const verdict = expiryVerdict(ca.certificate, moment);
    console.log(`\n── expiry check on ${moment.toISOString().slice(0, 10)}: ${verdict.kind}, health alert ${verdict.healthAlert}`);
    process.stdout.write(formatVendorExpiryCheck(verdict));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
