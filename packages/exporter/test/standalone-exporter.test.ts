import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../src/exporter-metrics.js';
import { loadExporterConfig, startStandaloneExporter } from '../src/standalone-exporter.js';
import { parsePrometheusText } from './prometheus-text.js';

describe('startStandaloneExporter', () => {
  let lab: Lab;
  let dir: string;

  beforeAll(async () => {
    lab = await startLab({ devices: 2, direct: true });
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-exporter-'));
    await writeFile(join(dir, 'fmc.password'), `${lab.fmc.password}\n`, { mode: 0o600 });
    const config = {
      listen: '127.0.0.1:0',
      intervalSeconds: 3600,
      fmcs: [
        {
          name: 'lab-fmc',
          address: lab.fmc.address,
          port: lab.fmc.sshPort,
          user: 'root',
          strategy: 'direct',
          password: 'file:fmc.password',
          hostKey: lab.fmc.hostKeyFingerprint,
          inventory: Object.fromEntries(lab.devices.map((d) => [d.uuid, { name: d.name, address: d.address }])),
        },
      ],
    };
    await writeFile(join(dir, 'exporter.yml'), JSON.stringify(config));
  });

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the FMC over real SSH with a 0600 password file and a pinned host key, and serves it on loopback', async () => {
    const running = await startStandaloneExporter(await loadExporterConfig(join(dir, 'exporter.yml')), { now: () => lab.clock.now() });
    try {
      expect(running.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const round = await running.exporter.collect(); // joins the round start() began
      expect(round.outcomes).toEqual([{ fmc: 'lab-fmc', error: undefined }]);
      expect((await fetch(`${running.server.url}/readyz`)).status).toBe(200);
      const samples = parsePrometheusText(await (await fetch(`${running.server.url}/metrics`)).text());
      expect(samples.filter((s) => s.name === METRIC_NAMES.tunnelUp).map((s) => [s.labels['device'], s.value])).toEqual([
        ['FTD-0001', 1],
        ['FTD-0002', 1],
      ]);
    } finally {
      await running.stop();
    }
  });

  it('refuses to start when a password file is readable by others', async () => {
    await chmod(join(dir, 'fmc.password'), 0o644);
    try {
      await expect(startStandaloneExporter(await loadExporterConfig(join(dir, 'exporter.yml')))).rejects.toMatchObject({ code: 'EXPORTER_SECRET_FILE_EXPOSED' });
    } finally {
      await chmod(join(dir, 'fmc.password'), 0o600);
    }
  });

  it('refuses to start when an env: reference is unset, naming the variable and not a value', async () => {
    const config = await loadExporterConfig(join(dir, 'exporter.yml'));
    const withEnv = { ...config, fmcs: config.fmcs.map((f) => ({ ...f, password: 'env:LAB_FMC_PASSWORD' as const })) };
    await expect(startStandaloneExporter(withEnv, { env: {} })).rejects.toMatchObject({ code: 'SECRET_REFERENCE_UNRESOLVED', message: expect.stringContaining('LAB_FMC_PASSWORD') });
  });
});
