/**
 * Nothing left on an appliance by a dropped connection (issue 22): a renewal whose connection to
 * one FTD drops mid-transfer (the lab's `dropAfterBytes`), then the copy run that completes that
 * FTD. The expert shell's scratch space (which held the standard input being sent: the FTD's new
 * key, the FMC's staging batch of device keys) is removed by the root shell's hang-up trap when the
 * connection drops, and a command's input as soon as the command has run; the sweep at the next
 * login (for a shell killed outright) then finds nothing. After the drop and after the copy, every
 * appliance's whole tree passes the secret audit: private keys only in the live key paths, their
 * generations and the staging directory; nothing of ours looser than 0600 (directories 0700).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPreparedRenewal, inspectFmc, planRenewal, deliverRenewal, type PlannedDevice } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import type { SshHost, StaleScratch } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../packages/transport/test/wait-for.js';
import { SecretTreeAudit } from '../secret-audit/audit-tree.js';
import { connectAppliance, labInventory, renewLabFmc, useLabFmc } from '../renewal/lab-fleet.js';

/** What our engine and transport left anywhere on the lab's appliances: entries named `….sftunnel-ca.…` or `….sftunnel-ca-…`. */
function oursOn(lab: Lab): string[] {
  const found: string[] = [];
  for (const appliance of lab.appliances) {
    const entries = readdirSync(lab.path(appliance.name, '/'), { recursive: true, encoding: 'utf8' });
    found.push(...entries.filter((entry) => /\.sftunnel-ca[.-]/.test(entry)).map((entry) => join(appliance.name, entry)));
  }
  return found.sort();
}

describe('reliability › a connection dropped mid-transfer leaves nothing behind, before and after the copy run', () => {
  const fleet = useLabFmc({ devices: [{ name: 'ftd-steady' }, { name: 'ftd-drop' }], caState: 'expiring', direct: true }, async (lab) => {
    await lab.setFaults('ftd-drop', { dropAfterBytes: 9000 });
  });

  it('renews with a drop on one FTD, then copies to it: no key outside the live paths and staging, nothing of ours left, on any appliance', async () => {
    const { lab } = fleet;
    // The FMC through its expert shell too: the staging batch of device keys travels as standard input there.
    const fmc = await connectAppliance(lab.fmc, 'expert');
    try {
      const { prepared, result } = await renewLabFmc(lab, fmc, { strategy: 'expert', deliver: { concurrency: 1 } });
      expect(result.devices.find((d) => d.name === 'ftd-steady')?.outcome).toBe('renewed');
      const dropped = result.devices.find((d) => d.name === 'ftd-drop');
      expect(dropped).toMatchObject({ outcome: 'failed', cause: 'CONNECTION_LOST' });

      // The dropped session's root shell hangs up: its trap removes the scratch space, and the key it was receiving with it.
      await waitFor(() => oursOn(lab).every((entry) => !entry.startsWith('ftd-drop/tmp/')));
      const afterDrop = new SecretTreeAudit();
      expect(afterDrop.scan(lab.dir)).toEqual([]);
      expect(afterDrop.counts.applianceFiles).toBeGreaterThan(20);

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
      // Nothing stale to sweep at any login of the copy run: the hang-up left nothing.
      expect(reports.length).toBeGreaterThan(0);
      expect(reports).toEqual(reports.map(() => ({ device: 'ftd-drop', stale: { removed: [], failed: [] } })));
    } finally {
      await fmc.close();
    }
    expect(oursOn(lab)).toEqual([]);
    expect(new SecretTreeAudit().scan(lab.dir)).toEqual([]);
  });
});
