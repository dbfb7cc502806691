import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createInternalCA } from './internal-ca-generator.js';
import type { InternalCA } from './internal-ca.js';
import { issueSftunnelCertificate, type IssuedCertificate } from './sftunnel-certificate.js';

const FMC_UUID = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD_UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';

interface Side {
  readonly ca: InternalCA;
  readonly own: IssuedCertificate;
}

/** What each side concluded of the other's certificate chain (`undefined`: verified). */
interface HandshakeOutcome {
  readonly protocol: string | null;
  /** The FMC's verdict on the FTD's chain, as OpenSSL words it. */
  readonly fmcRejects: string | undefined;
  /** The FTD's verdict on the FMC's chain, as OpenSSL words it. */
  readonly ftdRejects: string | undefined;
}

const TLS12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

function verdictOf(socket: tls.TLSSocket): string | undefined {
  return socket.authorized ? undefined : String(socket.authorizationError);
}

/**
 * The sftunnel handshake on loopback: the FMC listens, the FTD connects, TLS 1.2, and each side
 * verifies the other against its own cacert.pem. Each side's verdict is read separately (Node's
 * `rejectUnauthorized` would reset the connection before the other side can report). With
 * `strictFtd` the FTD refuses a chain it cannot verify, as sftunneld does, and the error is thrown.
 */
async function handshake(fmc: Side, ftd: Side, options: { strictFtd?: boolean } = {}): Promise<HandshakeOutcome> {
  const server = tls.createServer({
    key: fmc.own.privateKeyPem,
    cert: fmc.own.certificate.pem,
    ca: fmc.ca.certificate.pem,
    requestCert: true,
    rejectUnauthorized: false,
    ...TLS12,
  });
  const fmcVerdict = new Promise<string | undefined>((resolve) => {
    server.once('secureConnection', (socket) => {
      resolve(verdictOf(socket));
      socket.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      key: ftd.own.privateKeyPem,
      cert: ftd.own.certificate.pem,
      ca: ftd.ca.certificate.pem,
      rejectUnauthorized: options.strictFtd ?? false,
      checkServerIdentity: () => undefined, // both sides are CN=localhost: trust comes from the CA alone
      ...TLS12,
    });
    await once(socket, 'secureConnect');
    const ftdRejects = verdictOf(socket);
    const protocol = socket.getProtocol();
    socket.end();
    return { protocol, ftdRejects, fmcRejects: await fmcVerdict };
  } finally {
    server.close();
  }
}

async function fleetOf(now: Date): Promise<{ fmc: Side; ftd: Side }> {
  const ca = await createInternalCA({ fmcUuid: FMC_UUID, now });
  const [fmcCert, ftdCert] = await Promise.all([
    issueSftunnelCertificate({ ca, peerUuid: FMC_UUID, now }),
    issueSftunnelCertificate({ ca, peerUuid: FTD_UUID, now }),
  ]);
  return { fmc: { ca, own: fmcCert }, ftd: { ca, own: ftdCert } };
}

describe('sftunnel TLS 1.2 mutual authentication', () => {
  it('succeeds between an FMC and an FTD certificate of one new CA', async () => {
    const { fmc, ftd } = await fleetOf(new Date());
    const outcome = await handshake(fmc, ftd);
    expect(outcome).toEqual({ protocol: 'TLSv1.2', fmcRejects: undefined, ftdRejects: undefined });
  });

  it('fails with "certificate has expired" once the CA has expired', async () => {
    const elevenYearsAgo = new Date(Date.now() - 11 * 365.25 * 86_400_000);
    const { fmc, ftd } = await fleetOf(elevenYearsAgo);
    expect(fmc.ca.certificate.notAfter.getTime()).toBeLessThan(Date.now());
    const outcome = await handshake(fmc, ftd);
    expect(outcome.ftdRejects).toBe('CERT_HAS_EXPIRED');
    expect(outcome.fmcRejects).toBe('CERT_HAS_EXPIRED');
  });

  it('makes a verifying FTD fail with OpenSSL\'s "certificate has expired" (err 10) once the CA has expired', async () => {
    const { fmc, ftd } = await fleetOf(new Date(Date.now() - 11 * 365.25 * 86_400_000));
    const error = await handshake(fmc, ftd, { strictFtd: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('certificate has expired');
    expect((error as NodeJS.ErrnoException).code).toBe('CERT_HAS_EXPIRED');
  });

  it('fails between certificates of two different CAs', async () => {
    const now = new Date();
    const first = await fleetOf(now);
    const second = await fleetOf(now);
    const outcome = await handshake(first.fmc, second.ftd);
    // Same FMC UUID, so the same CA name; but the authority key identifier names the other CA's key, so
    // OpenSSL does not take its own CA for the issuer: only the peer's CA, sent along and not trusted.
    expect(outcome.ftdRejects).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(outcome.fmcRejects).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });
});
