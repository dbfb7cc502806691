/**
 * Nothing readable left on an appliance by a dropped connection (issue 22): a renewal whose
 * connection to one FTD drops mid-delivery (the lab's `dropAfterBytes`) leaves the expert shell's
 * scratch directory behind, holding the last command's standard input; it is 0700 with files 0600,
 * and the next login to that FTD (the copy run that completes it) removes it and reports it.
 */
import { lstat, readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPreparedRenewal, inspectFmc, planRenewal, deliverRenewal, type PlannedDevice } from '@sftunnel-ca/core';
import type { SshHost, StaleScratch } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';
import { connectAppliance, labInventory, renewLabFmc, useLabFmc } from '../renewal/lab-fleet.js';

/** The scratch directories on an appliance's disk, with the mode of each and of every file in it. */
async function scratchOn(root: string): Promise<Record<string, Record<string, string>>> {
  const tmp = join(root, 'tmp');
  const found: Record<string, Record<string, string>> = {};
  for (const name of (await readdir(tmp)).filter((entry) => entry.startsWith('.sftunnel-ca.'))) {
    const dir = join(tmp, name);
    const modes: Record<string, string> = { '.': ((await lstat(dir)).mode & 0o777).toString(8) };
    for (const file of await readdir(dir)) modes[file] = ((await lstat(join(dir, file))).mode & 0o777).toString(8);
    found[`/tmp/${name}`] = modes;
  }
  return found;
}

describe('reliability › a dropped connection leaves nothing readable, and the next login removes what it left', () => {
  const fleet = useLabFmc({ devices: [{ name: 'ftd-steady' }, { name: 'ftd-drop' }], caState: 'expiring', direct: true }, async (lab) => {
    await lab.setFaults('ftd-drop', { dropAfterBytes: 9000 });
  });

  it('renews with a drop on one FTD: its leftover scratch is 0700/0600; the copy run removes it and reports it', async () => {
    const { lab, fmc } = fleet;
    const dropRoot = lab.path('ftd-drop', '/');
    const { prepared, result } = await renewLabFmc(lab, fmc, { strategy: 'expert', deliver: { concurrency: 1 } });
    expect(result.devices.find((d) => d.name === 'ftd-steady')?.outcome).toBe('renewed');
    const dropped = result.devices.find((d) => d.name === 'ftd-drop');
    expect(dropped).toMatchObject({ outcome: 'failed', cause: 'CONNECTION_LOST' });
    expect(await scratchOn(lab.path('ftd-steady', '/'))).toEqual({});

    // What the dropped session left: private, whatever it holds.
    const left = await scratchOn(dropRoot);
    const [leftover] = Object.keys(left);
    expect(Object.keys(left)).toHaveLength(1);
    expect(left[leftover ?? '']).toMatchObject({ '.': '700', in: '600', err: '600', rc: '600' });
    expect(Object.values(left[leftover ?? ''] ?? {}).every((mode) => mode === '700' || mode === '600')).toBe(true);

    // The lab has no /proc: a directory without an owner record is stale once idle for an hour.
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    const leftoverOnDisk = lab.path('ftd-drop', leftover ?? '');
    for (const file of await readdir(leftoverOnDisk)) await utimes(join(leftoverOnDisk, file), hoursAgo, hoursAgo);
    await utimes(leftoverOnDisk, hoursAgo, hoursAgo);

    // The copy run: the FTD is back, the failed device is delivered again from the same staging directory.
    await lab.setFaults('ftd-drop', {});
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const copyPlan = planRenewal(inspection, { now, inventory: labInventory(lab), only: [dropped?.uuid ?? ''], stagingDirectory: prepared.stagingDirectory });
    const staged = await loadPreparedRenewal(fmc, inspection, prepared.stagingDirectory);
    const reports: Array<{ device: string; stale: StaleScratch }> = [];
    const copy = await deliverRenewal(fmc, copyPlan, staged, {
      connect: async (device: PlannedDevice, signal: AbortSignal) => {
        const host: SshHost = await connectAppliance(lab.appliance(device.name), 'expert', { signal });
        reports.push({ device: device.name, stale: host.staleScratch });
        return host;
      },
      now: () => lab.clock.now(),
      layout: lab.layout,
    });
    expect(copy.counts.renewed).toBe(1);
    expect(reports[0]).toEqual({ device: 'ftd-drop', stale: { removed: [leftover], failed: [] } });
    expect(await scratchOn(dropRoot)).toEqual({});
  });
});
