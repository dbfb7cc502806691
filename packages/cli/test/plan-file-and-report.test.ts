import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import { formatKnownHostsLine } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { dumpDom, screenshot } from './headless-chromium.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

/** Where tests keep what a person may want to look at afterwards (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** A device name an FMC could hold in sftunnel.json: markup that would run, an escape sequence and a bell. */
const HOSTILE_NAME = '<script>document.title="pwned"</script>\u001b[31m\u0007';
/** How the report shows it: the sequence dropped, the bell as an escape, the markup as text. */
const HOSTILE_SHOWN = '<script>document.title="pwned"</script>\\x07';

interface PlanFileDocument {
  devices: Array<{ uuid: string; name: string; address: string; action: string; certificate: { fingerprintSha256: string } }>;
}

/** SHA-256 of the DER of a device's sftunnel certificate for the lab's FMC, as it is on the device now. */
async function deviceCertificateFingerprint(lab: Lab, device: string): Promise<string> {
  return Certificate.fromPem(await lab.readFile(device, ftdPeerFiles(lab.layout, lab.fmc.uuid).sftunnelCertificate)).fingerprintSha256;
}

describe('sftunnel-ca plan --out, renew --plan and renew --report (against the lab)', () => {
  // An expiring (not yet expired) CA: the lab's FMC can still register a device between plan and renew.
  const fixture = useCliLab({ devices: 3, caState: 'expiring', tunnels: { down: [0] } });
  const staged = (): Promise<string[]> => readdir(fixture.lab.path(fixture.lab.fmc.name, '/var/tmp/certs')).catch(() => []);

  it('writes the same plan file twice for the same FMC (mode 0600, schema plan-file/v1, no secret), and - prints it', async () => {
    const { lab, sshKnownHosts, dir, env } = fixture;
    // The FMC names one device with markup and control characters: untrusted text all the way to the report.
    const hostile = lab.devices[1];
    if (hostile === undefined) throw new Error('the lab has 3 devices');
    const identity = lab.path(lab.fmc.name, `/var/sf/peers/${hostile.uuid}/sftunnel.json`);
    await writeFile(identity, JSON.stringify({ peer_uuid: hostile.uuid, peer_name: HOSTILE_NAME, peer_ip: hostile.address, port: 8305, role: 'device' }));

    const first = await runInProcess(['plan', ...sshKnownHosts, '--out', join(dir, 'first.json')], { env });
    expect(first.code, first.stderr).toBe(0);
    const second = await runInProcess(['plan', ...sshKnownHosts, '--out', join(dir, 'second.json')], { env });
    expect(second.code, second.stderr).toBe(0);
    const text = await readFile(join(dir, 'first.json'), 'utf8');
    expect(await readFile(join(dir, 'second.json'), 'utf8')).toBe(text);
    expect((await stat(join(dir, 'first.json'))).mode & 0o777).toBe(0o600);
    expect(first.stderr).toContain(`sha256 ${createHash('sha256').update(text).digest('hex')}`);
    const document = JSON.parse(text) as PlanFileDocument;
    expectValidDocument('sftunnel-ca/plan-file/v1', document);
    expect(document.devices.map((d) => d.uuid)).toEqual(lab.devices.map((d) => d.uuid).sort());
    expect(document.devices.every((d) => d.action === 're-key')).toBe(true);
    expect(document.devices.find((d) => d.uuid === hostile.uuid)?.name).toBe(HOSTILE_NAME);
    expect(text).not.toMatch(/plannedAt|stagingDirectory|\/var\/tmp\/certs\//);
    expect(text).not.toContain(lab.fmc.password);

    const stdout = await runInProcess(['plan', ...sshKnownHosts, '--out', '-'], { env });
    expect(stdout.code, stdout.stderr).toBe(0);
    expect(JSON.parse(stdout.stdout)).toEqual(document);
  });

  it('refuses an option that contradicts the plan file (exit 2) before reaching the FMC', async () => {
    const { lab, sshKnownHosts, dir, env, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('devices.csv', lab.devices);
    const dials = lab.sshConnections(lab.fmc.name);
    const run = await runInProcess(['renew', ...sshKnownHosts, '--devices', csv, '--plan', join(dir, 'first.json'), '--canary', '2', '--yes'], { env });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('--canary 2 (the plan file says 0)');
    expect(lab.sshConnections(lab.fmc.name)).toBe(dials);
  });

  it('refuses the plan once a device has registered since (exit 2, PLAN_MISMATCH naming it), changing nothing, and records why', async () => {
    const { lab, sshKnownHosts, dir, env, writeDevicesCsv } = fixture;
    const before = await staged();
    const fingerprints = await Promise.all(lab.devices.map((d) => deviceCertificateFingerprint(lab, d.name)));
    const added = await lab.registerDevice({ name: 'FTD-NEW' });
    await appendFile(fixture.knownHosts, `${formatKnownHostsLine(added.address, added.sshPort, Buffer.from(added.hostPublicKey.split(' ')[1] ?? '', 'base64'))}\n`);
    const csv = await writeDevicesCsv('devices.csv', lab.devices);
    const report = join(dir, 'refused.md');
    const run = await runInProcess(['renew', ...sshKnownHosts, '--devices', csv, '--plan', join(dir, 'first.json'), '--yes', '--json', '--report', report], { env });
    expect(run.code, run.stderr).toBe(2);
    // The change record of a refused run: stopped on PLAN_MISMATCH, nothing changed.
    const record = await readFile(report, 'utf8');
    expect(record).toContain('- **Outcome**: STOPPED: the run ended on an error');
    expect(record).toContain('- **Error**: PLAN\\_MISMATCH: the FMC no longer matches the plan');
    expect(record).toContain('- **FMC on the new InternalCA**: no');
    expect(record).toContain('- Nothing was changed: the run stopped before its first change.');
    expect(record.slice(record.indexOf('## Why it stopped'))).toContain(`\n- device FTD-NEW (${added.uuid}) is new on the FMC`);
    expect(run.stderr).toContain('PLAN_MISMATCH');
    expect(run.stderr).toContain(`device FTD-NEW (${added.uuid}) is new on the FMC`);
    const document = JSON.parse(run.stdout) as { differences: Array<{ path: string; change: string }> };
    expectValidDocument('sftunnel-ca/plan-mismatch/v1', document);
    expect(document.differences).toContainEqual(expect.objectContaining({ path: `devices.${added.uuid}`, change: 'added' }));
    expect(await staged()).toEqual(before);
    expect(await Promise.all(lab.devices.slice(0, 3).map((d) => deviceCertificateFingerprint(lab, d.name)))).toEqual(fingerprints);
  });

  it('runs a fresh approved plan and writes the Markdown change record: each device’s before and after fingerprints as on the appliances', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, dir, env, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('devices.csv', lab.devices);
    const planPath = join(dir, 'approved.json');
    const plan = await runInProcess(['plan', ...sshKnownHosts, '--devices', csv, '--canary', '1', '--out', planPath], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const approved = JSON.parse(await readFile(planPath, 'utf8')) as PlanFileDocument;
    const report = join(dir, 'change.md');
    const run = await runInProcess(['renew', ...sshKnownHosts, '--devices', csv, '--plan', planPath, '--yes', '--report', report], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`change record written to ${report}`);
    expect((await stat(report)).mode & 0o777).toBe(0o600);
    const markdown = await readFile(report, 'utf8');
    expect(markdown).toContain(`sha256 ${createHash('sha256').update(await readFile(planPath)).digest('hex')}`);
    expect(markdown).toMatch(/- \*\*Change window\*\*: \d{4}-\d\d-\d\dT[^\n]* → [^\n]*\(\d/);
    expect(markdown).toContain(`sftunnel-ca verify --fmc ${sshKnownHosts[1] ?? ''} --devices ${csv}`);
    for (const device of lab.devices) {
      const planned = approved.devices.find((d) => d.uuid === device.uuid)?.certificate.fingerprintSha256 ?? '';
      const now = await deviceCertificateFingerprint(lab, device.name);
      expect(now).not.toBe(planned);
      // | name | address | renewed | (no code) | before | after | …
      expect(markdown).toMatch(new RegExp(`\\| [^|\\n]+ \\| ${device.address.replaceAll('.', '\\.')} \\| renewed \\|  \\| \`${planned}\` \\| \`${now}\` \\|`));
    }
    // The hostile name is text in Markdown: what opens markup escaped, the control characters shown.
    expect(markdown).toContain('\\<script\\>document.title="pwned"\\</script\\>\\\\x07');
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain(lab.fmc.password);
  });

  it('writes an HTML change record that headless Chromium renders as one page, with each device’s row and the hostile name as text', { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, dir, env, writeDevicesCsv } = fixture;
    const unreachable = lab.devices[2];
    if (unreachable === undefined) throw new Error('the lab has 4 devices');
    const csv = await writeDevicesCsv('one-unreachable.csv', lab.devices, { port: (d) => (d.name === unreachable.name ? 1 : d.sshPort) });
    const report = join(dir, 'change.html');
    const run = await runInProcess(['renew', ...sshKnownHosts, '--devices', csv, '--allow-unreachable', '--yes', '--report', report], { env });
    expect(run.code, run.stderr).toBe(1);
    const html = await readFile(report, 'utf8');
    expect((await stat(report)).mode & 0o777).toBe(0o600);
    // Self-contained: no script, nothing fetched.
    expect(html).not.toMatch(/<script|<link|\bsrc=|https?:\/\//i);

    const dom = await dumpDom(report);
    expect(dom).not.toMatch(/<script/i);
    expect(/<title>([^<]*)<\/title>/.exec(dom)?.[1]).toBe(`sftunnel-ca change record: renew of ${sshKnownHosts[1] ?? ''}`);
    const rows = [...dom.matchAll(/<tr>([^]*?)<\/tr>/g)].map((match) => match[1] ?? '');
    const outcomeRows = rows.filter((row) => row.includes('class="outcome-'));
    expect(outcomeRows).toHaveLength(lab.devices.length);
    for (const device of lab.devices) {
      const row = outcomeRows.find((r) => r.includes(`<td>${device.address}</td>`)) ?? '';
      expect(row, device.name).not.toBe('');
      if (device.name === unreachable.name) expect(row).toMatch(/class="outcome-failed">failed<\/td><td><code>[A-Z_]+<\/code><\/td>/);
      else expect(row).toContain('class="outcome-renewed">renewed</td>');
    }
    const shown = HOSTILE_SHOWN.replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    expect(outcomeRows.some((row) => row.includes(`<td>${shown}</td>`))).toBe(true);
    expect(dom).toContain(`sftunnel-ca copy --fmc ${sshKnownHosts[1] ?? ''} --failed-push`);

    await mkdir(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'change-report.png');
    await screenshot(report, png);
    expect((await readFile(png)).subarray(1, 4).toString('latin1')).toBe('PNG');
    console.log(`change report screenshot: ${png}`);
  });
});
