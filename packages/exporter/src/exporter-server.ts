import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SftunnelCaError } from '@sftunnel-ca/core';
import type { Exporter } from './create-exporter.js';
import { exporterRequestHandler } from './request-handler.js';

/** The port the standalone exporter listens on by default. */
export const DEFAULT_EXPORTER_PORT = 9817;

/** Where {@link startExporterServer} listens. */
export interface ExporterListenOptions {
  /** Address; default `127.0.0.1` (loopback only: expose it deliberately). */
  readonly host?: string;
  /** Port; default {@link DEFAULT_EXPORTER_PORT}; `0` for one the system picks. */
  readonly port?: number;
}

/** A listening exporter server. */
export interface ExporterServer {
  /** The address listened on. */
  readonly host: string;
  /** The port listened on. */
  readonly port: number;
  /** `http://host:port`, e.g. for the scrape config. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves an exporter's `/metrics`, `/healthz` and `/readyz` over HTTP on its own port (the
 * standalone way; `sftunnel-ca exporter` uses it). Does not start or stop the exporter.
 *
 * @param exporter - the exporter to serve
 * @param options - where to listen
 * @throws SftunnelCaError `EXPORTER_LISTEN_FAILED` when the address cannot be listened on
 *
 * @example
 * ```ts
 * const exporter = createExporter({ fmcs, connect });
 * exporter.start();
 * const server = await startExporterServer(exporter, { host: '127.0.0.1', port: 9817 });
 * console.log(`${server.url}/metrics`);
 * ```
 */
export async function startExporterServer(exporter: Exporter, options: ExporterListenOptions = {}): Promise<ExporterServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_EXPORTER_PORT;
  const server: Server = createServer(exporterRequestHandler(exporter));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(new SftunnelCaError('EXPORTER_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${cause.code ?? cause.message}`, { step: 'listen', cause })),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    host: address.address,
    port: address.port,
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
