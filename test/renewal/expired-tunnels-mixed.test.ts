import type { RenewalEvent } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { connectAppliance, renewLabFmc, useLabFmc } from './lab-fleet.js';

describe('renewal › (c) CA expired, 30 tunnels up and 20 down', () => {
  const down = Array.from({ length: 20 }, (_, i) => 30 + i);
  const fleet = useLabFmc({ devices: 50, caState: 'expired', tunnels: { down }, direct: true });

  it('never drops an up tunnel before its device has the new files; all 50 end up', async () => {
    const { lab, fmc } = fleet;
    const up = lab.devices.slice(0, 30).map((d) => d.name);
    expect(up.every((name) => lab.tunnel(name).state === 'connected')).toBe(true);
    let checks = 0;
    let switchSeen = false;
    const dropped: string[] = [];
    // Until the FMC switches, every event is a moment at which the 30 up tunnels must all still be up.
    const onEvent = (event: RenewalEvent): void => {
      if (event.type === 'fmc:switch') switchSeen = true;
      if (switchSeen) return;
      checks += 1;
      for (const name of up) if (lab.tunnel(name).state !== 'connected') dropped.push(`${name} at ${event.type}`);
    };
    const { result } = await renewLabFmc(lab, fmc, { deliver: { onEvent } });
    expect(dropped).toEqual([]);
    expect(checks).toBeGreaterThan(100);
    expect(switchSeen).toBe(true);
    // When the FMC switched, every device already had its new files.
    expect(result.devices.every((d) => d.outcome === 'renewed' && d.after.caFingerprintSha256 !== d.before.caFingerprintSha256)).toBe(true);
    expect(lab.tunnels().filter((t) => t.state === 'connected')).toHaveLength(50);
  });
});
