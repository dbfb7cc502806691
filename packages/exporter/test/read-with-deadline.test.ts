import { startLab, type Lab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExporter } from '../src/create-exporter.js';
import { METRIC_NAMES } from '../src/exporter-metrics.js';
import { connectLabFmc, labFmcs } from './lab-fmcs.js';
import { labelKey, parsePrometheusText, seriesOf } from './prometheus-text.js';

describe('the collection deadline', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({ devices: 2, direct: true });
  });

  afterAll(() => lab?.stop());

  it('ends the reading of an FMC that hangs (before the connect timeout would), as EXPORTER_COLLECT_DEADLINE', async () => {
    const [fmc] = labFmcs([{ lab, prefix: 'lab' }]);
    if (fmc === undefined) throw new Error('no FMC');
    // Connect timeout 10 s (connectLabFmc); deadline 1 s: the deadline wins, and aborts the connect.
    const exporter = createExporter({ fmcs: [fmc], connect: connectLabFmc, now: () => lab.clock.now(), intervalMs: 60_000, deadlineMs: 1_000 });
    await lab.setFaults(lab.fmc.name, { silent: true });
    try {
      const round = await exporter.collect();
      // The deadline, not the 10 s connect timeout, ended it: the code says which.
      expect(round.outcomes[0]?.error).toMatchObject({ code: 'EXPORTER_COLLECT_DEADLINE', host: 'lab-FMCpri' });
      const samples = parsePrometheusText((await exporter.scrape()).body);
      expect(seriesOf(samples, METRIC_NAMES.collectErrors)).toEqual(new Map([[labelKey({ fmc: 'lab-FMCpri', reason: 'exporter_collect_deadline' }), 1]]));
      expect(seriesOf(samples, METRIC_NAMES.lastSuccess)).toEqual(new Map([[labelKey({ fmc: 'lab-FMCpri' }), 0]]));
      expect(exporter.status()).toMatchObject({ live: true, ready: true });
    } finally {
      await lab.setFaults(lab.fmc.name, {});
      await exporter.stop();
    }
    expect(exporter.status().live).toBe(false);
  });
});
