/**
 * `@sftunnel-ca/exporter` — Prometheus metrics and health endpoints for the InternalCA, the device
 * certificates and the sftunnel tunnels of FMC fleets, built on prom-client. Three ways to run:
 * {@link createExporter} (merge its registry into an application's), {@link exporterRequestHandler}
 * (Express, Fastify, `node:http`), and {@link startStandaloneExporter} (`sftunnel-ca exporter`).
 *
 * @packageDocumentation
 */

// ── the exporter ─────────────────────────────────────────────────────────
export {
  createExporter,
  type CreateExporterOptions,
  type ConnectFmc,
  type Exporter,
  type ExporterFmc,
  type ExporterStatus,
  type CollectionRound,
  type FmcCollectOutcome,
  type ScrapeResponse,
} from './create-exporter.js';
export { METRIC_NAMES } from './exporter-metrics.js';

// ── serving ──────────────────────────────────────────────────────────────
export { exporterRequestHandler, type ExporterRequestHandler } from './request-handler.js';
export { startExporterServer, DEFAULT_EXPORTER_PORT, type ExporterListenOptions, type ExporterServer } from './exporter-server.js';

// ── standalone ───────────────────────────────────────────────────────────
export {
  parseExporterConfig,
  type ExporterConfig,
  type ExporterFmcConfig,
  type ParseExporterConfigOptions,
  type SecretReference,
} from './exporter-config.js';
export { sshFmcConnector, type SshFmcConnectorOptions } from './ssh-fmc-connector.js';
export {
  startStandaloneExporter,
  loadExporterConfig,
  type StartStandaloneExporterOptions,
  type StandaloneExporter,
} from './standalone-exporter.js';

// ── readings ─────────────────────────────────────────────────────────────
export { readFmc, type ReadFmcOptions, type FmcReading, type DeviceReading, type TunnelReading, type ExpiryAlertLevel } from './fmc-reading.js';
export type { RenewalOutcome, RenewalRuns } from './renewal-runs.js';
