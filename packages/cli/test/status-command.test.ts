import { describe, expect, it } from 'vitest';
import { NO_AMBIENT_CREDENTIALS, useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

interface StatusDocument {
  ca: { verdict: string; days: number };
  devices: Array<{ name: string; address: string; tunnel: string; certificateVerdict: string }>;
}

describe('sftunnel-ca status (against the lab)', () => {
  const fixture = useCliLab({ devices: 3, caState: 'expired', caDays: 4, tunnels: { down: [1] } });
  const env = NO_AMBIENT_CREDENTIALS;

  it('shows the expired InternalCA and each device’s tunnel from sftunnel_status.pl, as a valid document', async () => {
    const { lab, ssh } = fixture;
    const run = await runInProcess(['status', ...ssh, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as StatusDocument;
    expectValidDocument('sftunnel-ca/status/v1', document);
    expect(document.ca).toMatchObject({ verdict: 'expired', days: 4 });
    const tunnels = Object.fromEntries(document.devices.map((device) => [device.name, device.tunnel]));
    expect(tunnels).toEqual(Object.fromEntries(lab.devices.map((device, index) => [device.name, index === 1 ? 'down' : 'up'])));
  });

  it('prints it as text, one line per device', async () => {
    const { lab, ssh } = fixture;
    const run = await runInProcess(['status', ...ssh], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 of 3 tunnels up');
    for (const device of lab.devices) expect(run.stdout).toContain(device.name);
    expect(run.stdout).not.toContain(lab.fmc.password);
  });
});
