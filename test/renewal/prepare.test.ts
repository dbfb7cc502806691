import { createHash } from 'node:crypto';
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { formatRenewalDiff, inspectFmc, isSftunnelCaError, loadPreparedRenewal, planRenewal, prepareRenewal, renewalDiff, type RenewalEvent } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { connectAppliance, labInventory, useLabFmc } from './lab-fleet.js';

describe('renewal › inspect, plan, prepare and the dry run, on a lab FMC over SSH', () => {
  const fleet = useLabFmc({ devices: 3, caState: 'expiring', caDays: 20, direct: true });

  /** sha256 of every file of the FMC and the devices that renewal may replace. */
  async function liveHashes(): Promise<string[]> {
    const { lab } = fleet;
    const paths = ['/etc/sf/ca_root/cacert.pem', '/etc/sf/ca_root/crl.pem', '/etc/sf/keys/sftunnel-cert.pem', '/etc/sf/keys/sftunnel-key.pem'];
    const hashes = await Promise.all(paths.map(async (p) => createHash('sha256').update(await lab.readFile(lab.fmc.name, p)).digest('hex')));
    for (const device of lab.devices) for (const name of ['cacert.pem', 'sftunnel-cert.pem', 'sftunnel-key.pem']) hashes.push(await lab.readFile(device.name, `/var/sf/peers/${lab.fmc.uuid}/${name}`));
    return hashes;
  }

  it('inspects with the live paths of sftunnel.conf and the vendor’s verdicts', async () => {
    const { lab, fmc } = fleet;
    const inspection = await inspectFmc(fmc, { now: lab.clock.now() });
    expect(inspection.fmcUuid).toBe(lab.fmc.uuid);
    expect(inspection.livePaths.caCertificate).toBe('/etc/sf/ca_root/cacert.pem');
    expect(inspection.ca.verdict.kind).toBe('expiring');
    // The lab's CA expires 20 days after the lab's start, to the second: 20 days left while that
    // second lasts (the vendor counts whole seconds), 19 once it has passed.
    expect([19, 20]).toContain(inspection.ca.verdict.days);
    expect(inspection.devices.map((d) => d.uuid).sort()).toEqual(lab.devices.map((d) => d.uuid).sort());
  });

  it('prepares ahead (keys 0600 in the staging directory), prints a dry run that changes nothing, and resumes without generating again', async () => {
    const { lab, fmc } = fleet;
    const before = await liveHashes();
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const events: RenewalEvent[] = [];
    const prepared = await prepareRenewal(fmc, inspection, plan, { now, onEvent: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'prepare:progress')).toHaveLength(5);
    for (const key of [prepared.caKey, prepared.fmc.key, ...prepared.devices.map((d) => d.key)]) {
      expect((await stat(lab.path(lab.fmc.name, key.path))).mode & 0o777).toBe(0o600);
    }
    expect(JSON.stringify(prepared)).not.toMatch(/PRIVATE KEY/);
    const diff = formatRenewalDiff(renewalDiff(plan, prepared));
    expect(diff.split('\n').filter((l) => l !== '')).toHaveLength(2 + 3);
    expect(diff).toContain(`${plan.fmc.ca.fingerprintSha256.slice(0, 16)}… serial ${plan.fmc.ca.serial}`);
    expect(await liveHashes()).toEqual(before);

    const again: RenewalEvent[] = [];
    const resumed = await prepareRenewal(fmc, inspection, plan, { now, onEvent: (e) => again.push(e) });
    expect(again).toHaveLength(0);
    expect(resumed).toEqual(prepared);
  });

  it('refuses a prepared set once devices were added, and a plan once the CA changed', async () => {
    const { lab, fmc } = fleet;
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab), stagingDirectory: '/var/tmp/certs/100' });
    const prepared = await prepareRenewal(fmc, inspection, plan, { now });
    // A device is added on the FMC meanwhile.
    const known = lab.devices[0]!.uuid;
    await cp(lab.path(lab.fmc.name, `/var/sf/peers/${known}`), lab.path(lab.fmc.name, `/var/sf/peers/${randomUUID()}`), { recursive: true });
    const grown = await inspectFmc(fmc, { now });
    await expect(loadPreparedRenewal(fmc, grown, prepared.stagingDirectory)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'RENEWAL_PREPARED_STALE'));
    // The CA changes (another renewal ran): the old plan is refused before anything is generated.
    const other = planRenewal(grown, { now, inventory: { ...labInventory(lab), ...Object.fromEntries(grown.devices.map((d) => [d.uuid, { name: d.uuid, address: '192.0.2.9' }])) }, stagingDirectory: '/var/tmp/certs/200' });
    const changed = { ...other, fmc: { ...other.fmc, ca: { ...other.fmc.ca, fingerprintSha256: '0'.repeat(64) } } };
    await expect(prepareRenewal(fmc, grown, changed, { now })).rejects.toSatisfy((e) => isSftunnelCaError(e, 'RENEWAL_PREPARED_STALE'));
  });

  it('refuses a damaged manifest with RENEWAL_STAGING_CORRUPT, not a crash: not JSON, null, a field missing, a staged file moved outside', async () => {
    const { lab, fmc } = fleet;
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab), stagingDirectory: '/var/tmp/certs/300' });
    const prepared = await prepareRenewal(fmc, inspection, plan, { now });
    const manifest = lab.path(lab.fmc.name, '/var/tmp/certs/300/manifest.json');
    const whole = await readFile(manifest, 'utf8');
    const { ca: _ca, ...withoutCa } = prepared;
    for (const damaged of ['{"version":1,', 'null', JSON.stringify(withoutCa), JSON.stringify({ ...prepared, caKey: { ...prepared.caKey, path: '/etc/sf/ca_root/cakey.pem' } })]) {
      await writeFile(manifest, damaged);
      await expect(loadPreparedRenewal(fmc, inspection, '/var/tmp/certs/300'), damaged.slice(0, 40)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'RENEWAL_STAGING_CORRUPT'));
    }
    await writeFile(manifest, whole);
    expect(await loadPreparedRenewal(fmc, inspection, '/var/tmp/certs/300')).toEqual(prepared);
  });
});
