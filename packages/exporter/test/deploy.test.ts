import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startLab } from '@sftunnel-ca/lab';
import { describe, expect, it } from 'vitest';
import { createExporter } from '../src/create-exporter.js';
import { METRIC_NAMES } from '../src/exporter-metrics.js';
import { connectLabFmc, labFmcs } from './lab-fmcs.js';

const deploy = fileURLToPath(new URL('../../../deploy/', import.meta.url));

/** Runs promtool; a missing promtool is a failure (ENOENT), never a skip: CI installs Debian's `prometheus` package. */
function promtool(args: readonly string[], stdin?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', [...args], { cwd: deploy }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ code: error === null ? 0 : Number(error.code), output: stdout + stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

/** The metric names an expression or dashboard mentions. */
function mentionedMetrics(text: string): Set<string> {
  return new Set(text.match(/\bsftunnel_[a-z_]+(?:_seconds|_total|_valid|_up|_level|_info)\b/g) ?? []);
}

describe('deploy/prometheus and deploy/grafana', () => {
  it('passes promtool check rules', async () => {
    const result = await promtool(['check', 'rules', 'prometheus/alerts.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('passes promtool test rules: each alert fires when it should, and only then', async () => {
    const result = await promtool(['test', 'rules', 'prometheus/alerts.test.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('passes promtool check metrics on a real scrape of the lab', async () => {
    const lab = await startLab({ devices: 3, direct: true });
    const exporter = createExporter({ fmcs: labFmcs([{ lab, prefix: 'lab' }]), connect: connectLabFmc, now: () => lab.clock.now(), intervalMs: 3_600_000 });
    try {
      await exporter.collect();
      const { body } = await exporter.scrape();
      expect(body).toContain(METRIC_NAMES.tunnelUp);
      const result = await promtool(['check', 'metrics'], body);
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await exporter.stop();
      await lab.stop();
    }
  });

  it('uses only metrics the exporter publishes, and alerts on every expiry and health metric', async () => {
    const published = new Set<string>(Object.values(METRIC_NAMES));
    const alerts = mentionedMetrics(await readFile(`${deploy}prometheus/alerts.yml`, 'utf8'));
    const dashboard = JSON.parse(await readFile(`${deploy}grafana/dashboard.json`, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const panels = mentionedMetrics(dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n'));
    expect([...alerts, ...panels].filter((name) => !published.has(name))).toEqual([]);
    expect([...alerts].sort()).toEqual(
      [METRIC_NAMES.caNotAfter, METRIC_NAMES.deviceCertNotAfter, METRIC_NAMES.deviceChainValid, METRIC_NAMES.tunnelUp, METRIC_NAMES.lastSuccess, METRIC_NAMES.collectErrors].sort(),
    );
  });
});
