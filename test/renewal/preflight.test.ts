import { assertPreflightPassed, inspectFmc, isSftunnelCaError, planRenewal, preflightRenewal, type PreflightReport } from '@sftunnel-ca/core';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { labConnect, labInventory, useLabFmc, type LabFmcFixture } from './lab-fleet.js';

const DISK_FULL = 'FTD-0002';
const HOUR_MS = 3_600_000;
const SILENT = 'FTD-0003';

/** Preflight of a lab FMC's whole renewal; the operator's clock is the lab's, shifted by `skewMs`. */
async function preflight(fleet: LabFmcFixture, options: { readonly skewMs?: number; readonly allowUnreachable?: boolean; readonly backdateMs?: number } = {}): Promise<PreflightReport> {
  const { lab, fmc } = fleet;
  const now = lab.clock.now();
  const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
  const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
  return preflightRenewal(fmc, inspection, plan, {
    connect: labConnect(lab, 'direct', 2_000),
    now: () => new Date(lab.clock.now().getTime() + (options.skewMs ?? 0)),
    allowUnreachable: options.allowUnreachable ?? false,
    ...(options.backdateMs === undefined ? {} : { backdateMs: options.backdateMs }),
  });
}

const verdictOf = (report: PreflightReport, probe: string, device?: string): string | undefined =>
  report.findings.find((f) => f.probe === probe && f.device?.name === device)?.verdict;

describe('preflight › a clean fleet', () => {
  const fleet = useLabFmc({ devices: 4, caState: 'expiring', direct: true });

  it('passes every probe but the hotfix advice of the lab’s 7.2.5, and lets the renewal run', async () => {
    const caBefore = await fleet.lab.readFile(fleet.lab.fmc.name, '/etc/sf/ca_root/cacert.pem');
    const report = await preflight(fleet);
    expect(report.refused).toBe(false);
    expect(report.findings.find((f) => f.probe === 'fmc-version')).toMatchObject({ verdict: 'warn', message: expect.stringContaining('7.2.9.99-4') });
    expect(verdictOf(report, 'critical-task')).toBe('pass');
    expect(verdictOf(report, 'ca-key')).toBe('pass');
    expect(verdictOf(report, 'tools')).toBe('pass');
    expect(verdictOf(report, 'clock-skew')).toBe('pass');
    for (const device of fleet.lab.devices) {
      for (const probe of ['device-reachable', 'clock-skew', 'free-disk', 'tools']) expect(verdictOf(report, probe, device.name), `${probe} ${device.name}`).toBe('pass');
    }
    expect(report.counts).toEqual({ pass: 4 + 4 * 4, warn: 1, fail: 0 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(() => assertPreflightPassed(report)).not.toThrow();
    // generate_certs.pl was answered no: the FMC's CA is the one it had.
    expect(await fleet.lab.readFile(fleet.lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).toBe(caBefore);
  });

  it('lets every appliance 12 h behind the operator through with a warning: the default one-day backdate covers the lag', async () => {
    const report = await preflight(fleet, { skewMs: 12 * HOUR_MS });
    expect(report.refused).toBe(false);
    const clocks = report.findings.filter((f) => f.probe === 'clock-skew');
    expect(clocks).toHaveLength(5);
    for (const clock of clocks) {
      expect(clock.verdict).toBe('warn');
      expect(clock.message).toMatch(/−43[12]\d\d s from the operator’s: 12 h behind, within the 1 d the new certificates are backdated by/);
    }
  });

  it('refuses appliances 2 days behind, saying the lag, the backdate and what to do; a 3-day backdate lets them through', async () => {
    const report = await preflight(fleet, { skewMs: 48 * HOUR_MS });
    expect(report.refused).toBe(true);
    const clocks = report.findings.filter((f) => f.probe === 'clock-skew');
    expect(clocks).toHaveLength(5);
    for (const clock of clocks) {
      expect(clock.verdict).toBe('fail');
      expect(clock.message).toMatch(/−172[78]\d\d s from the operator’s: 2 d behind, more than the 1 d the new certificates and CRL are backdated by, so it would find them not yet valid/);
      expect(clock.remedy).toMatch(/NTP.*--backdate, e\.g\. 3d/);
    }
    const covered = await preflight(fleet, { skewMs: 48 * HOUR_MS, backdateMs: 72 * HOUR_MS });
    expect(covered.refused).toBe(false);
    expect(covered.findings.filter((f) => f.probe === 'clock-skew').map((f) => f.verdict)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn']);
  });
});

describe('preflight › the InternalCA’s key', () => {
  const fleet = useLabFmc({ devices: 1, caState: 'expiring', direct: true });

  it('refuses when the key is missing or is not the live CA’s, saying where it looked and how to point the layout at it', async () => {
    const { lab } = fleet;
    const path = lab.path(lab.fmc.name, lab.layout.fmc.caKey);
    const key = await readFile(path, 'utf8');
    try {
      await rm(path);
      const missing = await preflight(fleet);
      expect(missing.refused).toBe(true);
      expect(missing.findings.find((f) => f.probe === 'ca-key')).toMatchObject({ verdict: 'fail', cause: 'FMC_CA_KEY_MISSING', message: expect.stringContaining(lab.layout.fmc.caKey), remedy: expect.stringContaining('--ca-key') });
      // Another RSA key (the FMC's own sftunnel key) where the CA key should be.
      await writeFile(path, await lab.readFile(lab.fmc.name, lab.layout.fmc.sftunnelKey), { mode: 0o600 });
      const mismatch = await preflight(fleet);
      expect(mismatch.findings.find((f) => f.probe === 'ca-key')).toMatchObject({ verdict: 'fail', cause: 'FMC_CA_KEY_MISMATCH' });
      expect(() => assertPreflightPassed(mismatch)).toThrow(expect.objectContaining({ code: 'PREFLIGHT_REFUSED', message: expect.stringContaining('ca-key') }));
    } finally {
      await writeFile(path, key, { mode: 0o600 });
    }
    expect(verdictOf(await preflight(fleet), 'ca-key')).toBe('pass');
  });
});

describe('preflight › a critical task, a full disk and a silent device', () => {
  const fleet = useLabFmc({ devices: 4, caState: 'expiring', direct: true, criticalTask: 'backup' }, async (lab) => {
    await lab.setFaults(DISK_FULL, { diskFull: true });
    await lab.setFaults(SILENT, { silent: true });
  });

  it('refuses: generate_certs.pl’s own refusal, the full disk (DISK_FULL) and the unreachable device (CONNECT_TIMEOUT)', async () => {
    const report = await preflight(fleet);
    expect(report.refused).toBe(true);
    expect(report.findings.find((f) => f.probe === 'critical-task')).toMatchObject({ verdict: 'fail', message: expect.stringContaining('backup') });
    expect(report.findings.find((f) => f.probe === 'free-disk' && f.device?.name === DISK_FULL)).toMatchObject({ verdict: 'fail', cause: 'DISK_FULL' });
    expect(report.findings.find((f) => f.probe === 'device-reachable' && f.device?.name === SILENT)).toMatchObject({ verdict: 'fail', cause: 'CONNECT_TIMEOUT' });
    expect(report.unreachable).toEqual([fleet.lab.appliance(SILENT).uuid]);
    // An unreachable device is not probed further.
    expect(report.findings.filter((f) => f.device?.name === SILENT)).toHaveLength(1);
    let refusal: unknown;
    try {
      assertPreflightPassed(report);
    } catch (error) {
      refusal = error;
    }
    expect(isSftunnelCaError(refusal, 'PREFLIGHT_REFUSED')).toBe(true);
  });

  it('with allowUnreachable, the silent device is a warning left for the copy step; the rest still refuses', async () => {
    const report = await preflight(fleet, { allowUnreachable: true });
    expect(report.findings.find((f) => f.probe === 'device-reachable' && f.device?.name === SILENT)).toMatchObject({ verdict: 'warn', cause: 'CONNECT_TIMEOUT' });
    expect(report.findings.filter((f) => f.verdict === 'fail').map((f) => f.probe).sort()).toEqual(['critical-task', 'free-disk']);
  });
});
