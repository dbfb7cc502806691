import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { fmcPushedFiles, ftdPeerFiles, PROBED_COMMANDS, type ApplianceProbeReport } from '@sftunnel-ca/core';
import type { Lab, LabAppliance } from '@sftunnel-ca/lab';
import { describe, expect, it } from 'vitest';
import { expectValidDocument } from '../../packages/cli/test/json-schema.js';
import { useCliLab, type CliLabFixture } from '../../packages/cli/test/cli-lab.js';
import { runInProcess } from '../../packages/cli/test/run-in-process.js';
import { applianceTree, changesOutside } from '../reliability/appliance-tree.js';

interface ProbeDocument {
  readonly schema: string;
  readonly healthy: number;
  readonly unhealthy: number;
  readonly appliances: readonly { readonly name: string; readonly role: string; readonly reached: boolean; readonly error?: string; readonly report?: ApplianceProbeReport }[];
}

/** What a probe may leave behind on an appliance: log lines, and the session's scratch space in /tmp, which the transport removes. */
const LOGS_AND_SCRATCH = (path: string): boolean => /^\/(?:ngfw\/)?var\/log\//.test(path) || path.startsWith('/tmp/') || path === '/tmp';

async function trees(lab: Lab): Promise<Map<string, Map<string, string>>> {
  return new Map(await Promise.all(lab.appliances.map(async (a) => [a.name, await applianceTree(a.root)] as const)));
}

/** Every path of a report as the lab's disk has it: present or not, and when present root:root with the file's mode. */
async function expectPathsAsOnDisk(lab: Lab, appliance: LabAppliance, report: ApplianceProbeReport): Promise<void> {
  for (const probed of report.paths) {
    const onDisk = lab.path(appliance.name, probed.path);
    expect(probed.present, `${appliance.name}:${probed.path}`).toBe(existsSync(onDisk));
    if (!probed.present) continue;
    const info = await stat(onDisk);
    expect(probed, `${appliance.name}:${probed.path}`).toEqual({ path: probed.path, present: true, type: info.isDirectory() ? 'directory' : 'file', owner: 'root', group: 'root', mode: info.mode & 0o7777 });
  }
}

function reportOf(document: ProbeDocument, name: string): ApplianceProbeReport {
  const entry = document.appliances.find((a) => a.name === name || a.name.includes(`@${name}`));
  expect(entry?.reached, `${name}: ${entry?.error ?? 'not in the document'}`).toBe(true);
  return entry?.report as ApplianceProbeReport;
}

async function probe(fixture: CliLabFixture, extra: readonly string[] = []): Promise<{ code: number; document: ProbeDocument; stderr: string }> {
  const csv = await fixture.writeDevicesCsv('devices.csv', fixture.lab.devices);
  const run = await runInProcess(['probe', ...fixture.sshKnownHosts, '--devices', csv, '--json', ...extra], { env: fixture.env });
  return { code: run.code, document: JSON.parse(run.stdout === '' ? '{}' : run.stdout) as ProbeDocument, stderr: run.stderr };
}

describe('sftunnel-ca probe › an fmc-7 with ftd-6.4-hw, ftd-7-virtual and fp4100-module devices', () => {
  const versions: Record<string, string> = { ftd64: '6.4.0.9', ftd7: '7.2.5', fp4150: '6.4.0' };
  const fixture = useCliLab({
    devices: [{ name: 'ftd64', profile: 'ftd-6.4-hw' }, { name: 'ftd7', profile: 'ftd-7-virtual' }, { name: 'fp4150', profile: 'fp4100-module' }],
    profile: 'fmc-7',
    caState: 'expired',
    tunnels: { down: ['ftd7'] },
  });

  it('reports every appliance field by field, exits 0, and changes nothing on any appliance but logs', async () => {
    const { lab } = fixture;
    const before = await trees(lab);
    const { code, document, stderr } = await probe(fixture);
    expect(code, `${stderr}${JSON.stringify(document.appliances?.map((a) => [a.name, a.error, a.report?.problems, a.report?.commands.filter((c) => !c.present)]))}`).toBe(0);
    expectValidDocument('sftunnel-ca/probe/v1', document);
    expect(document).toMatchObject({ schema: 'sftunnel-ca/probe/v1', healthy: 4, unhealthy: 0 });

    // The FMC.
    const fmc = reportOf(document, lab.fmc.address);
    expect(fmc.role).toBe('fmc');
    expect(fmc.login).toEqual({ strategy: 'expert', uid: 0, root: true });
    expect(fmc.version).toEqual({ text: '7.2.5', source: '/etc/sf/sw_version' });
    expect(fmc.caKey).toEqual({ path: lab.layout.fmc.caKey, state: 'matches' });
    expect(fmc.commands).toEqual(PROBED_COMMANDS.map((name) => ({ name, present: true })));
    expect(fmc.freeDisk.map((d) => d.path)).toEqual(['/etc/sf/ca_root', lab.layout.fmc.peersDirectory, lab.layout.fmc.failedPushDirectory]);
    for (const disk of fmc.freeDisk) expect(disk.availableKiB).toBeGreaterThan(0);
    expect(Math.abs(fmc.clockOffsetMs ?? Number.NaN)).toBeLessThanOrEqual(1000);
    expect(fmc.tunnels?.map((t) => [t.address, t.state]).sort()).toEqual(lab.devices.map((d) => [d.address, d.name === 'ftd7' ? 'down' : 'up']).sort());
    expect(fmc.problems).toEqual([]);
    const f = lab.layout.fmc;
    const expectedFmcPaths = [f.caCertificate, f.caCrl, f.caKey, f.sftunnelCertificate, f.sftunnelKey, f.sftunnelConf, f.peersDirectory, f.failedPushDirectory, f.renewalLog, f.messagesLog];
    for (const device of lab.devices) {
      const pushed = fmcPushedFiles(lab.layout, device.uuid);
      expectedFmcPaths.push(pushed.directory, pushed.sftunnelCertificate, pushed.sftunnelKey);
    }
    expect(fmc.paths.map((p) => p.path).sort()).toEqual(expectedFmcPaths.sort());
    expect(fmc.paths.find((p) => p.path === f.caKey)).toMatchObject({ present: true, mode: 0o600 });
    await expectPathsAsOnDisk(lab, lab.fmc, fmc);

    // Each device.
    for (const device of lab.devices) {
      const report = reportOf(document, device.name);
      expect(report.role).toBe('ftd');
      expect(report.login).toEqual({ strategy: 'expert', uid: 0, root: true });
      expect(report.version).toEqual({ text: versions[device.name], source: '/etc/sf/sw_version' });
      expect(report.caKey).toBeUndefined();
      expect(report.commands).toEqual(PROBED_COMMANDS.map((name) => ({ name, present: true })));
      expect(report.freeDisk).toHaveLength(1);
      expect(report.freeDisk[0]?.availableKiB).toBeGreaterThan(0);
      expect(Math.abs(report.clockOffsetMs ?? Number.NaN)).toBeLessThanOrEqual(1000);
      expect(report.tunnels).toEqual([{ address: lab.fmc.address, state: device.name === 'ftd7' ? 'down' : 'up' }]);
      expect(report.problems).toEqual([]);
      const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
      expect(report.paths.map((p) => p.path)).toEqual([lab.layout.ftd.peersDirectory, lab.layout.ftd.messagesLog, peer.directory, peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey]);
      expect(report.paths.filter((p) => p.type === 'file').every((p) => p.present && p.mode === 0o644 && p.owner === 'root' && p.group === 'root')).toBe(true);
      await expectPathsAsOnDisk(lab, device, report);
    }

    // Read only: every appliance's tree is as it was, logs (and the transport's scratch in /tmp) aside.
    const after = await trees(lab);
    for (const appliance of lab.appliances) expect(changesOutside(before.get(appliance.name)!, after.get(appliance.name)!, LOGS_AND_SCRATCH), appliance.name).toEqual([]);
  });

  it('prints a table and each appliance’s paths as text', async () => {
    const csv = await fixture.writeDevicesCsv('devices-text.csv', fixture.lab.devices);
    const run = await runInProcess(['probe', ...fixture.sshKnownHosts, '--devices', csv], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    const [header, ...lines] = run.stdout.split('\n');
    expect(header).toMatch(/^APPLIANCE\s+ROLE\s+LOGIN\s+UID\s+VERSION\s+CA KEY\s+COMMANDS\s+FREE KiB\s+CLOCK\s+TUNNELS\s+PATHS$/);
    expect(lines.find((l) => l.startsWith('ftd64 '))).toMatch(/^ftd64\s+ftd\s+expert\s+0\s+6\.4\.0\.9\s+-\s+8\/8\s+\d+\s+0 s\s+1\/1 up\s+6\/6$/);
    expect(lines.find((l) => l.startsWith('ftd7 '))).toMatch(/\s0\/1 up\s/);
    expect(run.stdout).toContain(`0600 root:root   ${fixture.lab.layout.fmc.caKey}\n`);
    expect(run.stdout).not.toContain(fixture.lab.fmc.password);
  });
  it('with --transcript, writes each session’s login as it went (0600, the password and key material never in it) and names its steps', async () => {
    const { lab } = fixture;
    const directory = `${fixture.dir}/transcripts`;
    const { code, document } = await probe(fixture, ['--transcript', directory]);
    expect(code).toBe(0);
    expectValidDocument('sftunnel-ca/probe/v1', document);
    const ftd64 = document.appliances.find((a) => a.name === 'ftd64') as ProbeDocument['appliances'][number] & { loginSteps: string[]; transcript: string };
    expect(ftd64.loginSteps).toEqual(expect.arrayContaining(['expert', 'password', 'root']));
    expect(ftd64.transcript).toBe(`${directory}/ftd64.transcript`);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(ftd64.transcript)).mode & 0o777).toBe(0o600);
    const text = await readFile(ftd64.transcript, 'utf8');
    // The 6.4 login as the transcript shows it, what was typed, and the steps.
    expect(text).toContain('Successful login attempts for user');
    expect(text).toContain('NOTICE - Shell access will be deprecated');
    expect(text).toMatch(/>> "expert\\n"/);
    expect(text).toContain('>> "<password>\\n"');
    expect(text).toContain('escalation root');
    for (const appliance of lab.appliances) expect(text).not.toContain(appliance.password);
    expect(text).not.toMatch(/PRIVATE KEY/);
    const fmc = document.appliances.find((a) => a.role === 'fmc') as { transcript?: string };
    expect(fmc.transcript).toBeDefined();
    expect(await readFile(fmc.transcript!, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });
});

describe('sftunnel-ca probe › an fmc-6.2-bash, whose SSH login lands in bash', () => {
  const fixture = useCliLab({ devices: [{ name: 'ftd64', profile: 'ftd-6.4-hw' }], profile: 'fmc-6.2-bash' });

  it('with --strategy expert: root by sudo su from the landing shell, version 6.2.3', async () => {
    const { code, document, stderr } = await probe(fixture);
    expect(code, stderr).toBe(0);
    const fmc = reportOf(document, fixture.lab.fmc.address);
    expect(fmc.login).toEqual({ strategy: 'expert', uid: 0, root: true });
    expect(fmc.version).toEqual({ text: '6.2.3', source: '/etc/sf/sw_version' });
    expect(fmc.caKey?.state).toBe('matches');
  });

  // `auto` (the CLI default) on an FMC that lands in bash escalates with sudo su from the landing
  // shell, as `expert` does without the `expert` step (issue 21): root, never an unprivileged session.
  it('with --strategy auto: root by sudo su from the landing shell, healthy, exit 0', async () => {
    const args = fixture.sshKnownHosts.map((arg) => (arg === 'expert' ? 'auto' : arg));
    const csv = await fixture.writeDevicesCsv('devices-auto.csv', fixture.lab.devices);
    const run = await runInProcess(['probe', ...args, '--devices', csv, '--json'], { env: fixture.env });
    const document = JSON.parse(run.stdout) as ProbeDocument;
    expectValidDocument('sftunnel-ca/probe/v1', document);
    expect(run.code, run.stderr).toBe(0);
    const fmc = reportOf(document, fixture.lab.fmc.address);
    expect(fmc.login).toEqual({ strategy: 'expert', uid: 0, root: true });
    expect(fmc.version).toEqual({ text: '6.2.3', source: '/etc/sf/sw_version' });
    expect(fmc.caKey?.state).toBe('matches');
    expect(document).toMatchObject({ healthy: 2, unhealthy: 0 });
    // The device lands in the CLI: auto escalates there as expert does.
    expect(reportOf(document, 'ftd64').login).toEqual({ strategy: 'expert', uid: 0, root: true });
  });
});

describe('sftunnel-ca probe › what it reports when something is wrong', () => {
  const fixture = useCliLab({ devices: [{ name: 'ftd7', profile: 'ftd-7-virtual' }, { name: 'gone', profile: 'ftd-6.4-hw' }], profile: 'fmc-7', faults: { gone: { unreachable: true } } });

  it('names a device it could not reach and a CA key that is not where --ca-key says, and exits 1', async () => {
    const { code, document, stderr } = await probe(fixture, ['--ca-key', '/etc/sf/ca_root/elsewhere.pem']);
    expect(code, stderr).toBe(1);
    expectValidDocument('sftunnel-ca/probe/v1', document);
    expect(document).toMatchObject({ healthy: 1, unhealthy: 2 });
    const gone = document.appliances.find((a) => a.name === 'gone');
    expect(gone).toMatchObject({ role: 'ftd', reached: false });
    expect(gone?.error).toMatch(/^CONNECT_REFUSED: /);
    const fmc = reportOf(document, fixture.lab.fmc.address);
    expect(fmc.caKey).toEqual({ path: '/etc/sf/ca_root/elsewhere.pem', state: 'missing' });
    expect(fmc.paths.find((p) => p.path === '/etc/sf/ca_root/elsewhere.pem')).toEqual({ path: '/etc/sf/ca_root/elsewhere.pem', present: false });
    expect(reportOf(document, 'ftd7').login.root).toBe(true);
  });
});

describe('sftunnel-ca probe › login timeouts and prompt patterns from the CLI and the inventory', () => {
  const fixture = useCliLab({ devices: [{ name: 'ftd7', profile: 'ftd-7-virtual' }, { name: 'ftd64', profile: 'ftd-6.4-hw' }], profile: 'fmc-7' });

  it('a YAML inventory row’s own idleTimeout and cliPrompt apply to that device only; the error names the state and the last line', async () => {
    const { lab } = fixture;
    const rows = lab.devices.map((d) => [
      `  - name: ${d.name}`,
      `    address: ${d.address}`,
      `    port: ${d.sshPort}`,
      `    user: ${d.username}`,
      `    password: file:${fixture.passwordFile}`,
      ...(d.name === 'ftd7' ? ["    cliPrompt: '^never$'", '    idleTimeout: 1s', '    loginTimeout: 45s'] : ['    commandTimeout: 90s']),
    ]);
    const inventory = `${fixture.dir}/inventory.yaml`;
    await writeFile(inventory, `devices:\n${rows.flat().join('\n')}\n`, { mode: 0o600 });
    const run = await runInProcess(['probe', ...fixture.sshKnownHosts, '--devices', inventory, '--json', '--prompt-settle', '150ms', '--login-timeout', '40s'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(1);
    const document = JSON.parse(run.stdout) as ProbeDocument;
    const ftd7 = document.appliances.find((a) => a.name === 'ftd7');
    expect(ftd7?.reached).toBe(false);
    expect(ftd7?.error).toMatch(/^ESCALATION_FAILED: no expected prompt within 1000 ms of quiet while waiting for the first prompt.*last line seen: "> "/);
    expect(ftd7?.error).not.toContain(lab.fmc.password);
    expect(reportOf(document, 'ftd64').login).toEqual({ strategy: 'expert', uid: 0, root: true });
    expect(reportOf(document, lab.fmc.address).login.root).toBe(true);
  });

  it('--cli-prompt and --idle-timeout apply to the FMC and every device; bad values are usage errors', async () => {
    const { code, document } = await probe(fixture, ['--cli-prompt', '^never$', '--idle-timeout', '1s']);
    expect(code).toBe(1);
    for (const entry of document.appliances) expect(entry.error, entry.name).toMatch(/^ESCALATION_FAILED: no expected prompt within 1000 ms.*last line seen: "> "/);
    for (const [option, value] of [['--login-timeout', '3x'], ['--idle-timeout', '-1'], ['--command-timeout', '5 minutes'], ['--cli-prompt', '(unclosed']]) {
      const bad = await runInProcess(['probe', ...fixture.sshKnownHosts, option ?? '', value ?? ''], { env: fixture.env });
      expect(bad.code, `${option} ${value}`).not.toBe(0);
      expect(bad.stderr, `${option} ${value}`).toContain(option);
    }
  });
});
