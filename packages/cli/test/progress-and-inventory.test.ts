import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';
import { runOnTerminal } from './run-on-terminal.js';

/** Any ANSI escape sequence (cursor movement, erasing, colours). */
const ESCAPE = '\u001b[';
/** An SGR colour sequence, e.g. `ESC[32m`. */
const COLOUR = /\u001b\[(?:3\d|9\d|1|2)(?:;\d+)*m/;

describe('progress on a terminal and in a pipe, and YAML inventories (against the lab)', () => {
  const fixture = useCliLab({ devices: 3, caState: 'expired', tunnels: { down: [0] } });

  it('on a terminal, renew draws a live list of the devices in flight with totals and elapsed time (no colour under NO_COLOR)', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const devices = await writeDevicesCsv('devices.csv', lab.devices);
    const run = await runOnTerminal(['renew', ...sshKnownHosts, '--devices', devices], 'Do you want to continue? [yes/no]', ['yes', 'yes'], { env: fixture.env });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(ESCAPE);
    expect(run.output).toMatch(/renew: \d+ in flight, \d+ of 3 device phases done, \d+s/);
    expect(run.output).not.toMatch(COLOUR);
    expect(run.output).not.toContain(lab.fmc.password);
  });

  it('piped, verify prints plain lines only: no escape sequence, no live list', async () => {
    const { sshKnownHosts, dir } = fixture;
    const run = await runInProcess(['verify', ...sshKnownHosts, '--devices', join(dir, 'devices.csv')], { env: fixture.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('\u001b');
    expect(run.stderr).not.toContain('in flight');
    expect(run.stdout.split('\n').filter((line) => / files ok +chain ok +key ok +tunnel up$/.test(line))).toHaveLength(3);
  });

  it('reads a YAML inventory (plan and verify), and names the file and line of a mistake', async () => {
    const { lab, sshKnownHosts, dir, passwordFile } = fixture;
    const yaml = join(dir, 'inventory.yaml');
    const entries = lab.devices.map((d) => `  - name: ${d.name}\n    address: ${d.address}\n    port: ${d.sshPort}\n    user: ${d.username}\n    password: file:${passwordFile}\n`);
    await writeFile(yaml, `devices:\n${entries.join('')}`);
    const plan = await runInProcess(['plan', ...sshKnownHosts, '--devices', yaml, '--json'], { env: fixture.env });
    expect(plan.code, plan.stderr).toBe(0);
    expectValidDocument('sftunnel-ca/plan/v1', JSON.parse(plan.stdout));
    const verify = await runInProcess(['verify', ...sshKnownHosts, '--devices', yaml, '--json'], { env: fixture.env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ passed: 3, failed: 0 });

    const inline = join(dir, 'inline.yaml');
    await writeFile(inline, `devices:\n  - name: FTD-0001\n    address: 127.0.0.1\n    user: admin\n    password: hunter2-Secret\n`);
    const refused = await runInProcess(['verify', ...sshKnownHosts, '--devices', inline], { env: fixture.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('INVENTORY_INVALID');
    expect(refused.stderr).toContain(`${inline}:2`);
    expect(refused.stderr).not.toContain('hunter2');
    const unknownKey = join(dir, 'unknown.json');
    await writeFile(unknownKey, '{\n  "devices": [\n    { "name": "FTD-0001", "address": "127.0.0.1", "user": "admin", "pasword": "env:X" }\n  ]\n}\n');
    const typo = await runInProcess(['verify', ...sshKnownHosts, '--devices', unknownKey], { env: fixture.env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`unknown key "pasword"`);
    expect(typo.stderr).toContain(`${unknownKey}:3`);
  });

  it('asks on the terminal, without echo, for a device whose password cell is empty', async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const devices = await writeDevicesCsv('ask.csv', lab.devices.slice(0, 1), { password: '' });
    const run = await runOnTerminal(['verify', ...sshKnownHosts, '--devices', devices], 'Password for', [lab.fmc.password], { env: fixture.env });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`Password for ${lab.devices[0]?.username}@${lab.devices[0]?.name}`);
    expect(run.output).not.toContain(lab.fmc.password);
  });
});
