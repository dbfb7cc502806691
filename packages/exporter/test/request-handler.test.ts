import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import express from 'express';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExporter, type Exporter } from '../src/create-exporter.js';
import { METRIC_NAMES } from '../src/exporter-metrics.js';
import { exporterRequestHandler } from '../src/request-handler.js';
import { connectLabFmc, labFmcs } from './lab-fmcs.js';
import { parsePrometheusText } from './prometheus-text.js';

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('exporterRequestHandler', () => {
  let lab: Lab;
  let exporter: Exporter;
  let expressServer: Server | undefined;
  let plainServer: Server | undefined;

  beforeAll(async () => {
    lab = await startLab({ devices: 3, direct: true });
    exporter = createExporter({ fmcs: labFmcs([{ lab, prefix: 'lab' }]), connect: connectLabFmc, now: () => lab.clock.now(), intervalMs: 3_600_000 });
  });

  afterAll(async () => {
    await exporter?.stop();
    await Promise.all([close(expressServer), close(plainServer)]);
    await lab?.stop();
  });

  it('embeds in an Express app: mounted under a path, and merged into the app’s own registry', async () => {
    const appRegistry = new Registry();
    const requests = new Counter({ name: 'app_requests_total', help: 'Requests the app served.', registers: [appRegistry] });
    const merged = Registry.merge([appRegistry, exporter.registry]);
    const app = express();
    app.use((_request, _response, next) => {
      requests.inc();
      next();
    });
    app.use('/sftunnel', exporterRequestHandler(exporter));
    app.get('/metrics', (_request, response, next) => {
      merged.metrics().then((body) => response.type(merged.contentType).send(body), next);
    });
    expressServer = createServer(app);
    const url = await listen(expressServer);

    expect((await fetch(`${url}/sftunnel/readyz`)).status).toBe(503);
    await exporter.collect();
    expect((await fetch(`${url}/sftunnel/readyz`)).status).toBe(200);
    const health = await fetch(`${url}/sftunnel/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ live: true, ready: true });

    const own = parsePrometheusText(await (await fetch(`${url}/sftunnel/metrics`)).text());
    expect(own.filter((s) => s.name === METRIC_NAMES.deviceCertNotAfter)).toHaveLength(3);
    const app_ = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    expect(app_.find((s) => s.name === 'app_requests_total')?.value).toBeGreaterThan(0);
    expect(app_.filter((s) => s.name === METRIC_NAMES.deviceCertNotAfter)).toEqual(own.filter((s) => s.name === METRIC_NAMES.deviceCertNotAfter));
    // Paths it does not own go on to the app.
    expect((await fetch(`${url}/sftunnel/other`)).status).toBe(404);
  });

  it('serves node:http on its own: 404 elsewhere, 405 for other methods, no body for HEAD', async () => {
    plainServer = createServer(exporterRequestHandler(exporter));
    const url = await listen(plainServer);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(parsePrometheusText(await (await fetch(`${url}/metrics?x=1`)).text()).length).toBeGreaterThan(0);
  });
});
