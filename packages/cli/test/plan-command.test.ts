import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_AMBIENT_CREDENTIALS, useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

interface PlanDocument {
  plan: { stagingDirectory: string; devices: Array<{ name: string; address: string; canary: boolean }> };
}

describe('sftunnel-ca plan (against the lab)', () => {
  const fixture = useCliLab({ devices: 3, caState: 'expired', tunnels: { down: [0] } });
  const env = NO_AMBIENT_CREDENTIALS;

  it('prints the plan for every device the FMC knows, and changes nothing on it', async () => {
    const { lab, ssh } = fixture;
    const run = await runInProcess(['plan', ...ssh, '--canary', '1', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as PlanDocument;
    expectValidDocument('sftunnel-ca/plan/v1', document);
    expect(document.plan.devices.map((device) => device.name).sort()).toEqual(lab.devices.map((device) => device.name));
    expect(document.plan.devices.filter((device) => device.canary)).toHaveLength(1);
    await expect(access(lab.path(lab.fmc.name, document.plan.stagingDirectory))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(run.stdout).not.toContain(lab.fmc.password);
  });

  it('prints it as text, limited to the devices a devices.csv lists (by name or address)', async () => {
    const { lab, ssh, dir } = fixture;
    const [first, second] = lab.devices;
    const csv = join(dir, 'devices.csv');
    await writeFile(csv, `name,address,user,password\n${first?.name},127.9.9.9,admin,file:${join(dir, 'fmc-password')}\nrenamed,${second?.address},admin,env:FTD_PASSWORD\n`);
    const run = await runInProcess(['plan', ...ssh, '--devices', csv], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`device ${first?.name} `);
    expect(run.stdout).toContain(`device ${second?.name} `);
    expect(run.stdout).not.toContain(`device ${lab.devices[2]?.name} `);
  });

  it('with --preflight reports every probe of the FMC and each device as a valid document, and exits 3 when it would refuse', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('reachable.csv', lab.devices);
    const run = await runInProcess(['plan', ...sshKnownHosts, '--devices', csv, '--preflight', '--json'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { preflight: { refused: boolean; findings: Array<{ probe: string; verdict: string }> } };
    expectValidDocument('sftunnel-ca/plan/v2', document);
    expect(document.preflight.refused, run.stdout).toBe(false);
    expect(document.preflight.findings.filter((f) => f.probe === 'device-reachable' && f.verdict === 'pass')).toHaveLength(3);
    const first = lab.devices[0]?.name;
    const unreachable = await writeDevicesCsv('unreachable.csv', lab.devices, { port: (d) => (d.name === first ? 1 : d.sshPort) });
    const refused = await runInProcess(['plan', ...sshKnownHosts, '--devices', unreachable, '--preflight'], { env: fixture.env });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stdout).toContain(`FAIL device-reachable ${first}`);
  });

  it('exits 2, naming the line, when a devices.csv row matches no device', async () => {
    const { ssh, dir } = fixture;
    const csv = join(dir, 'unknown.csv');
    await writeFile(csv, 'name,address,user,password\nFTD-9999,127.9.9.9,admin,env:FTD_PASSWORD\n');
    const run = await runInProcess(['plan', ...ssh, '--devices', csv], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('line 2 (FTD-9999, 127.9.9.9) match no device');
  });
});
