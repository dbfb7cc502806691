import { createExporter, startExporterServer } from '@sftunnel-ca/exporter';
import type { Lab } from '@sftunnel-ca/lab';
import { Bench } from 'tinybench';
import { labAccess, openAppliance } from './lab-access.js';

/** `/metrics` latency of an exporter reading one lab FMC, served from its cache. */
export interface MetricsLatency {
  /** The collection round that filled the cache (SSH to the FMC), in ms. */
  readonly collectMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Scrapes timed. */
  readonly samples: number;
  /** Size of one `/metrics` answer. */
  readonly bodyBytes: number;
}

/**
 * Starts an exporter on a lab's FMC (root over SSH), runs one collection round, serves it over
 * HTTP on 127.0.0.1, and times `GET /metrics` (tinybench: warm-up, then at least 50 scrapes and 2 s).
 *
 * @throws Error when the collection round fails
 */
export async function measureMetricsLatency(lab: Lab): Promise<MetricsLatency> {
  const access = labAccess(lab);
  const inventory = Object.fromEntries(access.devices.map((d) => [d.uuid, { name: d.name, address: d.address }]));
  const exporter = createExporter({
    fmcs: [{ name: 'bench', layout: access.layout, inventory }],
    connect: (_fmc, signal) => openAppliance(access.fmc, { strategy: 'direct', connectTimeoutMs: 20_000, signal }),
    now: () => lab.clock.now(),
  });
  try {
    const started = performance.now();
    const round = await exporter.collect();
    const collectMs = performance.now() - started;
    const failed = round.outcomes.find((o) => o.error !== undefined);
    if (failed !== undefined) throw new Error(`the exporter could not read ${failed.fmc}`, { cause: failed.error });
    const server = await startExporterServer(exporter, { host: '127.0.0.1', port: 0 });
    try {
      const url = `${server.url}/metrics`;
      let bodyBytes = 0;
      const bench = new Bench({ time: 2_000, iterations: 50, throws: true });
      bench.add('/metrics', async () => {
        const response = await fetch(url);
        bodyBytes = (await response.arrayBuffer()).byteLength;
      });
      await bench.run();
      const result = bench.tasks[0]?.result;
      if (result === undefined || !('latency' in result)) throw new Error('tinybench recorded no /metrics latency');
      const { p50, p99, mean, samplesCount } = result.latency;
      return { collectMs, p50Ms: p50, p99Ms: p99, meanMs: mean, samples: samplesCount, bodyBytes };
    } finally {
      await server.close();
    }
  } finally {
    await exporter.stop();
  }
}
