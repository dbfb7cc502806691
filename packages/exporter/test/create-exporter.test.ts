import { mkdir, rm, writeFile } from 'node:fs/promises';
import { Certificate, fmcPushedFiles } from '@sftunnel-ca/core';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExporter, type Exporter } from '../src/create-exporter.js';
import { METRIC_NAMES } from '../src/exporter-metrics.js';
import { startExporterServer, type ExporterServer } from '../src/exporter-server.js';
import { connectLabFmc, labFmcs, type LabExporterFmc } from './lab-fmcs.js';
import { labelKey, parsePrometheusText, seriesOf, type PrometheusSample } from './prometheus-text.js';

const DAY_MS = 86_400_000;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Two labs, one with an HA peer: three FMCs, 50 devices; some tunnels down, one foreign pushed certificate, two renewal runs. */
describe('createExporter against the lab', () => {
  let paris: Lab;
  let lyon: Lab;
  let fmcs: LabExporterFmc[];
  let exporter: Exporter;
  let server: ExporterServer;
  let victim: string;
  const scrape = async (): Promise<{ samples: PrometheusSample[] }> => {
    const response = await fetch(`${server.url}/metrics`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return { samples: parsePrometheusText(body) };
  };
  const fmc = (name: string): LabExporterFmc => fmcs.find((f) => f.name === name) as LabExporterFmc;

  beforeAll(async () => {
    const now = new Date();
    paris = await startLab({ devices: 25, ha: true, direct: true, now, tunnels: { down: ['FTD-0005'] } });
    lyon = await startLab({ devices: 25, direct: true, now, tunnels: { down: [2, 'FTD-0020'] } });
    fmcs = labFmcs([
      { lab: paris, prefix: 'paris', inventory: true },
      { lab: lyon, prefix: 'lyon' }, // names and addresses from the FMC's own sftunnel.json files
    ]);
    // A pushed certificate from another FMC's CA: its chain is not valid.
    const stranger = lyon.devices[0]?.uuid ?? '';
    // Where the FMC does not name a device, the inventory does.
    await rm(paris.path(paris.fmc.name, `${paris.layout.fmc.peersDirectory}/${paris.devices[1]?.uuid ?? ''}/sftunnel.json`));
    victim = paris.devices[9]?.uuid ?? '';
    const foreign = await lyon.readFile(lyon.fmc.name, fmcPushedFiles(lyon.layout, stranger).sftunnelCertificate);
        await writeFile(paris.path(paris.fmc.name, fmcPushedFiles(paris.layout, victim).sftunnelCertificate), foreign);
    // Renewal runs on paris' primary: one left a FAILED_PUSH, one staged the live CA, one staged a CA never put live.
    const runs = paris.layout.fmc.failedPushDirectory;
    const liveCa = await paris.readFile(paris.fmc.name, paris.layout.fmc.caCertificate);
    const put = async (path: string, content: string): Promise<void> => {
      const onDisk = paris.path(paris.fmc.name, path);
      await mkdir(onDisk.slice(0, onDisk.lastIndexOf('/')), { recursive: true });
      await writeFile(onDisk, content);
    };
    await put(`${runs}/1700000000/FAILED_PUSH`, 'a line\n');
    await put(`${runs}/1700000500/cacert.pem`, liveCa);
    await put(`${runs}/1700000900/cacert.pem`, await lyon.readFile(lyon.fmc.name, lyon.layout.fmc.caCertificate));
    exporter = createExporter({ fmcs, connect: connectLabFmc, now: () => paris.clock.now(), intervalMs: 3_600_000, deadlineMs: 20_000 }); // a deadline no healthy reading nears, even on a loaded machine
    server = await startExporterServer(exporter, { port: 0 });
  });

  afterAll(async () => {
    await exporter?.stop();
    await server?.close();
    await Promise.all([paris?.stop(), lyon?.stop()]);
  });

  it('starts two labs on different address blocks: three FMCs, 50 devices', () => {
    expect(paris.fmc.address.split('.')[1]).not.toBe(lyon.fmc.address.split('.')[1]);
    expect(fmcs.map((f) => f.name)).toEqual(['paris-FMCpri', 'paris-FMCsec', 'lyon-FMCpri']);
    expect(paris.devices.length + lyon.devices.length).toBe(50);
  });

  it('answers /readyz 503 before the first round, /healthz 200', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('publishes the right value of every metric after a round', async () => {
    const before = seconds(paris.clock.now());
    const round = await exporter.collect();
    const after = paris.clock.now().getTime() / 1000;
    expect(round.outcomes.map((o) => [o.fmc, o.error])).toEqual(fmcs.map((f) => [f.name, undefined]));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const { samples } = await scrape();

    const expected = {
      caNotAfter: new Map<string, number>(),
      caNotBefore: new Map<string, number>(),
      caInfo: new Map<string, number>(),
      alertLevel: new Map<string, number>(),
      deviceCertNotAfter: new Map<string, number>(),
      deviceChainValid: new Map<string, number>(),
      tunnelUp: new Map<string, number>(),
    };
    for (const f of fmcs) {
      const { lab, appliance } = f;
      const ca = Certificate.fromPem(await lab.readFile(appliance.name, lab.layout.fmc.caCertificate));
      expected.caNotAfter.set(labelKey({ fmc: f.name }), seconds(ca.notAfter));
      expected.caNotBefore.set(labelKey({ fmc: f.name }), seconds(ca.notBefore));
      expected.caInfo.set(labelKey({ fmc: f.name, fmc_uuid: appliance.uuid, fingerprint_sha256: ca.fingerprintSha256, serial: ca.serialNumber.toString(16) }), 1);
      expected.alertLevel.set(labelKey({ fmc: f.name }), 0);
      for (const device of lab.devices) {
        const pushed = Certificate.fromPem(await lab.readFile(appliance.name, fmcPushedFiles(lab.layout, device.uuid).sftunnelCertificate));
        expected.deviceCertNotAfter.set(labelKey({ fmc: f.name, device: device.name, uuid: device.uuid }), seconds(pushed.notAfter));
        expected.deviceChainValid.set(labelKey({ fmc: f.name, device: device.name }), f.name === 'paris-FMCpri' && device.uuid === victim ? 0 : 1);
        expected.tunnelUp.set(labelKey({ fmc: f.name, device: device.name }), lab.tunnel(device.name, appliance.name).state === 'connected' ? 1 : 0);
      }
    }
    expect(seriesOf(samples, METRIC_NAMES.caNotAfter)).toEqual(expected.caNotAfter);
    expect(seriesOf(samples, METRIC_NAMES.caNotBefore)).toEqual(expected.caNotBefore);
    expect(seriesOf(samples, METRIC_NAMES.caInfo)).toEqual(expected.caInfo);
    expect(seriesOf(samples, METRIC_NAMES.expiryAlertLevel)).toEqual(expected.alertLevel);
    expect(seriesOf(samples, METRIC_NAMES.deviceCertNotAfter)).toEqual(expected.deviceCertNotAfter);
    expect(seriesOf(samples, METRIC_NAMES.deviceChainValid)).toEqual(expected.deviceChainValid);
    expect(seriesOf(samples, METRIC_NAMES.tunnelUp)).toEqual(expected.tunnelUp);
    // The lab's tunnels as set up: FTD-0005 down on both of paris' FMCs, two down on lyon, the foreign certificate invalid.
    expect([...expected.tunnelUp.values()].filter((v) => v === 0)).toHaveLength(4);
    expect(seriesOf(samples, METRIC_NAMES.deviceChainValid).get(labelKey({ fmc: 'paris-FMCpri', device: 'FTD-0010' }))).toBe(0);
    expect(seriesOf(samples, METRIC_NAMES.lastRenewal)).toEqual(
      new Map([
        [labelKey({ fmc: 'paris-FMCpri', outcome: 'failed_push' }), 1_700_000_000],
        [labelKey({ fmc: 'paris-FMCpri', outcome: 'complete' }), 1_700_000_500],
      ]),
    );
    const duration = seriesOf(samples, METRIC_NAMES.collectDuration).get('');
    expect(duration).toBeCloseTo(round.durationSeconds, 6);
    expect(duration).toBeGreaterThan(0);
    expect(seriesOf(samples, METRIC_NAMES.collectErrors).size).toBe(0);
    const lastSuccess = seriesOf(samples, METRIC_NAMES.lastSuccess);
    expect([...lastSuccess.keys()]).toEqual(fmcs.map((f) => labelKey({ fmc: f.name })));
    for (const value of lastSuccess.values()) {
      expect(value).toBeGreaterThanOrEqual(before);
      expect(value).toBeLessThanOrEqual(after);
    }
  });

  it('counts an unreachable FMC’s failures while /metrics answers promptly with its last values', async () => {
    const lyonFmc = fmc('lyon-FMCpri');
    const last = await scrape();
    try {
      await lyon.setFaults(lyon.fmc.name, { unreachable: true }); // connections refused
      await exporter.collect();
      await lyon.setFaults(lyon.fmc.name, { silent: true }); // now it accepts and hangs, until the connect timeout
      let settled = false;
      const round = exporter.collect().finally(() => {
        settled = true;
      });
      const during: { samples: PrometheusSample[] }[] = [];
      for (let i = 0; i < 5; i++) during.push(await scrape());
      expect(settled).toBe(false); // every scrape above was answered while the round waited on the hung FMC
      expect((await round).outcomes.find((o) => o.fmc === lyonFmc.name)?.error).toMatchObject({ code: 'CONNECT_TIMEOUT', host: lyonFmc.name });
      const { samples } = await scrape();
      expect(seriesOf(samples, METRIC_NAMES.collectErrors)).toEqual(
        new Map([
          [labelKey({ fmc: lyonFmc.name, reason: 'connect_refused' }), 1],
          [labelKey({ fmc: lyonFmc.name, reason: 'connect_timeout' }), 1],
        ]),
      );
      // The last values stay, and so does lyon's last success (paris' moves on): that is how staleness shows.
      const lyonSuccess = (scraped: readonly PrometheusSample[]): number | undefined => seriesOf(scraped, METRIC_NAMES.lastSuccess).get(labelKey({ fmc: lyonFmc.name }));
      for (const scraped of [...during.map((d) => d.samples), samples]) {
        for (const name of [METRIC_NAMES.deviceCertNotAfter, METRIC_NAMES.tunnelUp, METRIC_NAMES.caInfo]) expect(seriesOf(scraped, name)).toEqual(seriesOf(last.samples, name));
        expect(lyonSuccess(scraped)).toBe(lyonSuccess(last.samples));
      }
    } finally {
      await lyon.setFaults(lyon.fmc.name, {});
    }
  });

  it('moves sftunnel_expiry_alert_level 0 → 1 → 2 as the lab clock passes 90 days before expiry and expiry', async () => {
    const level = async (): Promise<number[]> => {
      const round = await exporter.collect();
      expect(round.outcomes.filter((o) => o.error !== undefined)).toEqual([]);
      return [...seriesOf((await scrape()).samples, METRIC_NAMES.expiryAlertLevel).values()];
    };
    const notAfters = await Promise.all(fmcs.map(async (f) => Certificate.fromPem(await f.lab.readFile(f.appliance.name, f.lab.layout.fmc.caCertificate)).notAfter.getTime()));
    const setBoth = (at: number): void => {
      for (const lab of [paris, lyon]) lab.clock.setNow(new Date(at));
    };
    expect(await level()).toEqual([0, 0, 0]);
    setBoth(Math.max(...notAfters) - 89 * DAY_MS);
    expect(await level()).toEqual([1, 1, 1]);
    setBoth(Math.max(...notAfters) + DAY_MS);
    expect(await level()).toEqual([2, 2, 2]);
  });
});
