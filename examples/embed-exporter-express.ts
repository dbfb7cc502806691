/**
 * Embed the sftunnel-ca exporter in an Express app: read an FMC with the exporter, serve the
 * metrics two ways, scrape once, print, stop.
 *
 *   npx tsx examples/embed-exporter-express.ts            (a lab: an FMC and three FTDs over real SSH and TLS)
 *   FMC_HOST=192.0.2.10 SFTUNNEL_CA_PASSWORD_FILE=~/.fmc-password npx tsx examples/embed-exporter-express.ts
 */
import type { AddressInfo } from 'node:net';
import { createExporter, exporterRequestHandler } from '@sftunnel-ca/exporter';
import { SshHost } from '@sftunnel-ca/transport';
import express from 'express';
import { Counter, Registry } from 'prom-client';
import { exampleTarget } from './target.js';

// 1. Something to watch: your FMC, or a lab's.
const target = await exampleTarget({ devices: 3 });

// 2. The exporter: which FMCs, and how to open one (SSH, the host key checked against known_hosts).
const exporter = createExporter({
  fmcs: [{ name: target.fmc.name ?? target.fmc.host }],
  connect: (_fmc, signal) => SshHost.connect({ ...target.fmc, signal }),
  intervalMs: 300_000,
});
exporter.start(); // first round now, then every 5 minutes ± 10 %

// 3. The app, with metrics of its own. Either mount the exporter's handler (/sftunnel/metrics,
//    /sftunnel/healthz, /sftunnel/readyz) or merge its registry into the app's /metrics.
const appRegistry = new Registry();
const hits = new Counter({ name: 'app_hits_total', help: 'Requests to the app.', registers: [appRegistry] });
const merged = Registry.merge([appRegistry, exporter.registry]);
const app = express();
app.get('/', (_request, response) => {
  hits.inc();
  response.send('hello\n');
});
app.use('/sftunnel', exporterRequestHandler(exporter));
app.get('/metrics', (_request, response, next) => {
  merged.metrics().then((body) => response.type(merged.contentType).send(body), next);
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  // 4. Wait for the first round (a scrape never waits for SSH: before it, /readyz says 503), then scrape.
  await exporter.collect();
  await fetch(`${url}/`);
  const body = await (await fetch(`${url}/metrics`)).text();
  console.log(`GET ${url}/sftunnel/readyz → ${(await fetch(`${url}/sftunnel/readyz`)).status}`);
  console.log(body.split('\n').filter((line) => /^(app_hits_total|sftunnel_(ca_not_after|tunnel_up|expiry_alert_level))/.test(line)).join('\n'));
} finally {
  // 5. Stop everything: the collection loop, the app, the lab.
  await exporter.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await target.stop();
}
