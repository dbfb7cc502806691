/**
 * The vendor's expiry check, over SSH, of one FMC: its InternalCA, its own sftunnel certificate
 * and the certificate it made for each device, each with the vendor's verdict (expired, expires
 * within 30 days, valid) and the health alert newer releases would raise. Changes nothing.
 *
 *   npx tsx examples/check-expiry.ts                      (a lab whose CA expires in 20 days)
 *   FMC_HOST=192.0.2.10 SFTUNNEL_CA_PASSWORD_FILE=~/.fmc-password npx tsx examples/check-expiry.ts
 *
 * Exit status: 0 valid, 5 expiring, 6 expired (as `sftunnel-ca check`).
 */
import { formatVendorExpiryCheck, inspectFmc, type InspectedCertificate } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { exampleTarget } from './target.js';

const target = await exampleTarget({ devices: 3, caState: 'expiring', caDays: 20 });
// Log in (admin → expert → sudo su on a real FMC), the host key checked against known_hosts.
const fmc = await SshHost.connect(target.fmc);
try {
  // Reads sftunnel.conf, the InternalCA it names, the FMC's certificate and every peer's certs_pushed.
  const now = new Date();
  const inspection = await inspectFmc(fmc, { now });

  // What the vendor's one-liner prints for the CA (`openssl x509 -enddate … ; echo -e …`).
  process.stdout.write(formatVendorExpiryCheck(inspection.ca.verdict));

  // Every certificate inspected carries its verdict at `now` (inject another date to look ahead).
  const row = (what: string, { verdict }: InspectedCertificate): string =>
    `${what.padEnd(28)} ${verdict.kind.padEnd(9)} ${String(verdict.days).padStart(5)} days  notAfter ${verdict.notAfter.toISOString()}  health alert ${verdict.healthAlert}`;
  console.log(`FMC ${inspection.fmcUuid} (${inspection.host})`);
  console.log(row('InternalCA', inspection.ca));
  console.log(row('FMC sftunnel certificate', inspection.fmcCertificate));
  for (const device of inspection.devices) console.log(row(`${device.name ?? device.uuid}`, device.pushedCertificate));

  process.exitCode = { valid: 0, expiring: 5, expired: 6 }[inspection.ca.verdict.kind];
} finally {
  await fmc.close();
  await target.stop();
}
