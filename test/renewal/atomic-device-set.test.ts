import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RenewalJournal, deliverRenewal, ftdPeerFiles, inspectFmc, planRenewal, prepareRenewal } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import { afterAll, describe, expect, it } from 'vitest';
import { labConnect, labInventory, useLabFmc } from './lab-fleet.js';

/** Bytes after which each armed device's SSH connection is cut: from the login to past the last command, so that every step of a delivery is hit by one of them. */
const DROP_AFTER = Array.from({ length: 24 }, (_, i) => 5_000 + i * 500);
const DISK_FULL = 'FTD-0025';
const DEVICES = 26;

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The sha256 of a device's three files, in plan order (CA, certificate, key); `''` for a missing one. */
async function heldSet(lab: Lab, device: string): Promise<string[]> {
  const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
  return Promise.all([peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey].map((path) => lab.readFile(device, path).then(sha, () => '')));
}

describe('renewal › a device holds its complete old set or its complete new set, never a mix', () => {
  const fleet = useLabFmc({ devices: DEVICES, caState: 'expiring', direct: true }, async (lab) => {
    for (const [i, bytes] of DROP_AFTER.entries()) await lab.setFaults(lab.devices[i]!.name, { dropAfterBytes: bytes });
    await lab.setFaults(DISK_FULL, { diskFull: true });
  });
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('puts the old set back (sha256) when a write, a drop or a full disk hits mid-delivery; a rerun after the faults clear completes it', async () => {
    const { lab, fmc } = fleet;
    dir = await mkdtemp(join(tmpdir(), 'atomic-set-'));
    const oldSets = new Map(await Promise.all(lab.devices.map(async (d) => [d.name, await heldSet(lab, d.name)] as const)));
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    const prepared = await prepareRenewal(fmc, inspection, plan, { now });
    const caSha = prepared.ca.sha256;
    const newSet = (uuid: string): string[] => {
      const staged = prepared.devices.find((d) => d.uuid === uuid)!;
      return [caSha, staged.certificate.sha256, staged.key.sha256];
    };
    const journal = await RenewalJournal.open(join(dir, 'renewal.journal'), { fmcUuid: inspection.fmcUuid, stagingDirectory: prepared.stagingDirectory }, now);
    const options = { connect: labConnect(lab, 'direct', 5_000), now: () => lab.clock.now(), layout: lab.layout, journal };

    const first = await deliverRenewal(fmc, plan, prepared, options);
    const failed = first.devices.filter((d) => d.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const record of first.devices) {
      const held = await heldSet(lab, record.name);
      if (record.outcome === 'failed') expect(held, record.name).toEqual(oldSets.get(record.name));
      else expect(held, record.name).toEqual(newSet(record.uuid));
    }
    expect(first.devices.find((d) => d.name === DISK_FULL)).toMatchObject({ outcome: 'failed', cause: 'DISK_FULL' });
    // Some drops came after the live files began to change: those devices had their old set put back.
    const restored = failed.filter((d) => d.message?.includes('were put back'));
    console.log(`atomic set: ${failed.length} of ${DEVICES} failed (${restored.length} after their live files began to change, restored): ${failed.map((d) => `${d.name} ${d.cause}@${d.step}`).join(', ')}`);
    expect(restored.length).toBeGreaterThan(0);
    expect(failed.every((d) => d.cause !== 'DEVICE_RESTORE_FAILED')).toBe(true);

    for (const device of lab.devices) await lab.setFaults(device.name, {});
    const second = await deliverRenewal(fmc, plan, prepared, options);
    expect(second.counts.renewed).toBe(DEVICES);
    for (const device of lab.devices) {
      expect(await heldSet(lab, device.name), device.name).toEqual(newSet(device.uuid));
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
  });
});
