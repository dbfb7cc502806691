import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { SftunnelCaError, type SftunnelTlsProbeTarget } from '@sftunnel-ca/core';

/**
 * A live TLS probe of a device's sftunnel port for renewal's verify step (`tlsProbe` of
 * `deliverRenewal` / `renewFleet`): a TLS 1.2 handshake presenting the certificate and key given
 * (the FMC's new ones). The device checks them against the CA it holds; the certificate it
 * presents is returned for core to check against the new CA at the run's clock (so this side does
 * not judge validity with the system clock). The connection is closed after the handshake; the
 * key is used for the handshake only and never logged.
 *
 * @param target - address, port, certificate, key and CA
 * @param signal - aborts the handshake
 * @returns the device's certificate, PEM
 * @throws SftunnelCaError `TLS_PROBE_FAILED` when the handshake fails or the device presents no
 *   certificate (the TLS or socket error is its `cause`); `OPERATION_ABORTED` when aborted
 *
 * @example
 * ```ts
 * const result = await renewFleet(fmc, inspection, plan, { connect, now: () => new Date(), tlsProbe: probeSftunnelTls });
 * ```
 */
export function probeSftunnelTls(target: SftunnelTlsProbeTarget, signal: AbortSignal): Promise<{ readonly peerCertificatePem: string }> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new SftunnelCaError('OPERATION_ABORTED', `the TLS probe of ${target.name} was cancelled`, { host: target.name, step: 'tunnel' }));
      return;
    }
    const socket = tls.connect({
      host: target.address,
      port: target.port,
      cert: target.certificatePem,
      key: target.keyPem,
      ca: [target.caPem],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      rejectUnauthorized: false, // core verifies the device's certificate against the new CA at the run's clock
      checkServerIdentity: () => undefined, // sftunnel certificates name `localhost`, not the address
    });
    socket.setNoDelay(true);
    const onAbort = (): void => {
      socket.destroy();
      reject(new SftunnelCaError('OPERATION_ABORTED', `the TLS probe of ${target.name} was cancelled or ran out of time`, { host: target.name, step: 'tunnel' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      const raw = socket.getPeerX509Certificate()?.raw;
      socket.end();
      if (raw === undefined) reject(failed(target, 'the device presented no certificate'));
      else resolve({ peerCertificatePem: new X509Certificate(raw).toString() });
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(failed(target, `the handshake failed: ${error.message}`, error));
    });
  });
}

function failed(target: SftunnelTlsProbeTarget, why: string, cause?: Error): SftunnelCaError {
  return new SftunnelCaError('TLS_PROBE_FAILED', why, { host: target.name, step: 'tunnel', ...(cause === undefined ? {} : { cause }) });
}
