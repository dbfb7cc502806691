import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Certificate, RenewalJournal, inspectFmc, isSftunnelCaError, keyMatchesCertificate, planRenewal, renewWithVendorGenerator } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applianceTree, changesOutside } from '../reliability/appliance-tree.js';
import { labConnect, labInventory, useLabFmc } from './lab-fleet.js';

/** Logs (and the shells' /dev/null) are written by every command; they are not what a renewal changes. */
const isLog = (path: string): boolean => /^[^:]+:\/(var\/log|ngfw\/var\/log|dev)(\/|$)/.test(path);

describe('renewWithVendorGenerator › generate_certs.pl refuses while a critical task is under way', () => {
  const fleet = useLabFmc({ devices: 3, tunnels: { down: [1] }, direct: true, criticalTask: 'backup' });

  it('throws VENDOR_GENERATOR_REFUSED with the script’s words, and nothing changed on the FMC or any device (no backup either)', async () => {
    const { lab, fmc } = fleet;
    const trees = async (): Promise<Map<string, string>> => {
      const all = new Map<string, string>();
      for (const appliance of lab.appliances) for (const [path, digest] of await applianceTree(appliance.root)) all.set(`${appliance.name}:${path}`, digest);
      return all;
    };
    const before = await trees();
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const refusal = await renewWithVendorGenerator(fmc, inspection, plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout }).then(
      () => expect.fail('the run went ahead during a critical task'),
      (error: unknown) => error,
    );
    expect(isSftunnelCaError(refusal, 'VENDOR_GENERATOR_REFUSED'), String(refusal)).toBe(true);
    expect((refusal as Error).message).toContain('A critical task (backup) is in progress');
    expect(changesOutside(before, await trees(), isLog)).toEqual([]);
  });
});

describe('renewWithVendorGenerator › a run resumed after the set was adopted', () => {
  const fleet = useLabFmc({ devices: 3, caState: 'expired', tunnels: { down: [0] }, direct: true });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-vendor-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('renews an expired fleet, and run again with its staging directory and journal never runs generate_certs.pl twice', { timeout: 300_000 }, async () => {
    const { lab, fmc } = fleet;
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const journal = await RenewalJournal.open(join(dir, 'run.journal'), { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now);
    const options = { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal };
    const first = await renewWithVendorGenerator(fmc, inspection, plan, options);
    expect(first.counts.renewed).toBe(3);
    expect(first.stagingDirectory).toBe(plan.stagingDirectory);
    const ca = Certificate.fromPem(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem'));
    expect(ca.fingerprintSha256).not.toBe(inspection.ca.certificate.fingerprintSha256);
    expect(keyMatchesCertificate(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cakey.pem'), ca)).toBe(true);
    expect(lab.tunnels().filter((t) => t.state === 'connected')).toHaveLength(3);
    const log = await lab.readFile(lab.fmc.name, '/var/log/sf/sfca_generation.log');

    // As a resume plans it: from the FMC now (on the new CA), the same staging directory and journal.
    const again = await inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout });
    const resumed = await renewWithVendorGenerator(fmc, again, planRenewal(again, { now: lab.clock.now(), inventory: labInventory(lab), stagingDirectory: plan.stagingDirectory }), options);
    expect(resumed.counts.renewed).toBe(3);
    expect(resumed.devices.every((d) => d.alreadyDelivered)).toBe(true);
    expect(Certificate.fromPem(await lab.readFile(lab.fmc.name, '/etc/sf/ca_root/cacert.pem')).fingerprintSha256).toBe(ca.fingerprintSha256);
    expect(await lab.readFile(lab.fmc.name, '/var/log/sf/sfca_generation.log')).toBe(log);
    expect(journal.entries.filter((e) => e.type === 'fmc-switched')).toHaveLength(1);
  });
});
