import { readFile } from 'node:fs/promises';
import { SftunnelCaError } from '@sftunnel-ca/core';
import { createExporter, type ConnectFmc, type Exporter } from './create-exporter.js';
import { parseExporterConfig, type ExporterConfig, type ExporterFmcConfig } from './exporter-config.js';
import { startExporterServer, type ExporterServer } from './exporter-server.js';
import { sshFmcConnector, sshOptionsOf } from './ssh-fmc-connector.js';

/** Options of {@link startStandaloneExporter}. */
export interface StartStandaloneExporterOptions {
  /** Environment variables for `env:` references and `SSH_AUTH_SOCK`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock; default the real one. */
  readonly now?: () => Date;
  /** How FMCs are opened; default {@link sshFmcConnector} (a lab or a test may pass its own). */
  readonly connect?: ConnectFmc<ExporterFmcConfig>;
}

/** A running standalone exporter. */
export interface StandaloneExporter {
  /** The exporter (its registry, its loop). */
  readonly exporter: Exporter;
  /** Its HTTP server. */
  readonly server: ExporterServer;
  /** Stops the loop, then the server. */
  stop(): Promise<void>;
}

/**
 * Reads an exporter configuration file (YAML or JSON).
 *
 * @param path - the file
 * @throws SftunnelCaError `EXPORTER_CONFIG_INVALID` when it cannot be read or is invalid
 *
 * @example
 * ```ts
 * const config = await loadExporterConfig('/etc/sftunnel-ca/exporter.yaml');
 * console.log(config.fmcs.map((fmc) => `${fmc.name} ${fmc.address}:${fmc.port}`), config.listen);
 * ```
 */
export async function loadExporterConfig(path: string): Promise<ExporterConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SftunnelCaError('EXPORTER_CONFIG_INVALID', `cannot read the configuration: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { step: 'config', file: path, cause });
  }
  return parseExporterConfig(text, { file: path });
}

/**
 * Runs the exporter on its own: checks that every FMC's secrets resolve (so a missing
 * variable or an exposed password file stops the start, not the third collection), starts the
 * collection loop and serves `/metrics`, `/healthz` and `/readyz` where the configuration says
 * (loopback by default). `sftunnel-ca exporter --config <file>` is this.
 *
 * @param config - from {@link loadExporterConfig} or {@link parseExporterConfig}
 * @param options - environment, clock, connector
 * @throws SftunnelCaError `SECRET_REFERENCE_UNRESOLVED`, `EXPORTER_SECRET_FILE_EXPOSED`, `EXPORTER_LISTEN_FAILED`
 *
 * @example
 * ```ts
 * const running = await startStandaloneExporter(await loadExporterConfig('/etc/sftunnel-ca/exporter.yml'));
 * process.once('SIGTERM', () => void running.stop());
 * ```
 */
export async function startStandaloneExporter(config: ExporterConfig, options: StartStandaloneExporterOptions = {}): Promise<StandaloneExporter> {
  const env = options.env ?? process.env;
  if (options.connect === undefined) await Promise.all(config.fmcs.map((fmc) => sshOptionsOf(fmc, env)));
  const exporter = createExporter({
    fmcs: config.fmcs,
    connect: options.connect ?? sshFmcConnector({ env }),
    intervalMs: config.intervalMs,
    jitter: config.jitter,
    concurrency: config.concurrency,
    ...(config.deadlineMs === undefined ? {} : { deadlineMs: config.deadlineMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const server = await startExporterServer(exporter, config.listen);
  exporter.start();
  return {
    exporter,
    server,
    stop: async () => {
      await exporter.stop();
      await server.close();
    },
  };
}
