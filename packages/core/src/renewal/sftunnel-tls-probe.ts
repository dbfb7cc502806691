import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { Certificate } from '../pki/certificate.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import type { DeliverySource } from './delivery-source.js';
import type { DeviceRun, FleetRunLimits } from './device-run.js';

/** The sftunnel port (TCP 8305). */
export const SFTUNNEL_PORT = 8305;

/** What a live TLS probe connects to, and with what. */
export interface SftunnelTlsProbeTarget {
  /** The device's name, for errors. */
  readonly name: string;
  /** The device's address. */
  readonly address: string;
  /** Its sftunnel port: {@link SFTUNNEL_PORT}. */
  readonly port: number;
  /** The certificate to present: the FMC's new one (PEM). */
  readonly certificatePem: string;
  /** Its private key (PEM). Secret: memory only, never logged. */
  readonly keyPem: string;
  /** The new InternalCA (PEM), that the device must verify the FMC's certificate against. */
  readonly caPem: string;
}

/**
 * A live TLS probe, done by a transport (core has no network code): a TLS 1.2 handshake with
 * `target`, presenting the certificate and key given. Resolves with the certificate the device
 * presented (PEM; core checks it against the new CA at the run's clock); rejects when the
 * handshake fails or the device closes the connection in it.
 */
export type SftunnelTlsProbe = (target: SftunnelTlsProbeTarget, signal: AbortSignal) => Promise<{ readonly peerCertificatePem: string }>;

/**
 * The check a delivery runs on each device whose tunnel is up, with a TLS probe: the device
 * completes a handshake with the FMC's new certificate and presents its own new certificate,
 * issued by the new CA and valid at the run's clock.
 *
 * @param probe - the handshake
 * @param source - the new files (the FMC's pair, the CA, each device's certificate)
 * @param limits - the clock and the per-device deadline
 * @returns the check of one device
 * @throws (the check) SftunnelCaError `TLS_PROBE_FAILED`
 */
export async function tlsProbeOf(probe: SftunnelTlsProbe, source: DeliverySource, limits: FleetRunLimits): Promise<(run: DeviceRun) => Promise<void>> {
  const fmcPair = await source.fmcPair();
  const prepared = await source.prepared();
  const expected = new Map(prepared.devices.map((d) => [d.uuid, d.certificate.certificate.fingerprintSha256]));
  const caPem = source.ca.pem;
  return async (run) => {
    const { device } = run;
    const fail = (reason: string, cause?: unknown): SftunnelCaError =>
      new SftunnelCaError('TLS_PROBE_FAILED', `TLS 1.2 probe of ${device.name} (${device.address}:${SFTUNNEL_PORT}) with the FMC's new certificate: ${reason}`, { host: device.name, step: 'tunnel', cause });
    let presented: string;
    try {
      const target = { name: device.name, address: device.address, port: SFTUNNEL_PORT, certificatePem: fmcPair.certificate, keyPem: fmcPair.key, caPem };
      presented = (await probe(target, AbortSignal.timeout(limits.deviceTimeoutMs ?? 120_000))).peerCertificatePem;
    } catch (error) {
      throw fail(isSftunnelCaError(error, 'TLS_PROBE_FAILED') ? error.message : `the handshake failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    const certificate = Certificate.fromPem(presented, `${device.name}:${SFTUNNEL_PORT}`);
    try {
      await verifyIssuedBy(certificate, source.ca, { now: limits.now(), source: `${device.name}:${SFTUNNEL_PORT}` });
    } catch (error) {
      throw fail(`the device presented a certificate the new CA does not verify: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (certificate.fingerprintSha256 !== expected.get(device.uuid)) throw fail('the device presented a certificate other than its new one');
  };
}
