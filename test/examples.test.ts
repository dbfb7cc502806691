import { execFile } from 'node:child_process';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Certificate, ftdPeerFiles } from '@sftunnel-ca/core';
import { startLab } from '@sftunnel-ca/lab';
import { describe, expect, it } from 'vitest';
import { writeLabFiles } from '../examples/target.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The variables through which a user points an example at an FMC: unset, so an example starts its own lab. */
const TARGET_VARIABLES = ['FMC_HOST', 'FMC_PORT', 'FMC_USER', 'SFTUNNEL_CA_PASSWORD', 'SFTUNNEL_CA_PASSWORD_FILE', 'KNOWN_HOSTS'];

/** Runs `npx tsx examples/<file> [args]` as a user would (tsx as a Node loader), resolving with its exit status. */
function runExample(file: string, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !TARGET_VARIABLES.includes(name)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `examples/${file}`, ...args], { cwd: repo, encoding: 'utf8', env: { ...base, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('examples/ (what users copy first) run as printed', () => {
  it('import only the packages’ public entry points (never a path into a package), and each one is run below', async () => {
    const files = (await readdir(`${repo}/examples`)).filter((name) => name.endsWith('.ts'));
    const tests = await readFile(fileURLToPath(import.meta.url), 'utf8');
    for (const file of files) {
      const source = await readFile(`${repo}/examples/${file}`, 'utf8');
      for (const [, specifier] of source.matchAll(/^import .* from '([^']+)';$/gm)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^(node:[a-z/_]+|@sftunnel-ca\/(core|transport|lab|exporter|cli)|express|prom-client|\.\/target\.js)$/);
      }
      if (file !== 'target.ts') expect(tests, `${file} has a test`).toContain(`runExample('${file}'`);
    }
  });

  it('create-internal-ca.ts makes a CA and a device certificate and prints the vendor’s check', async () => {
    const { code, stdout, stderr } = await runExample('create-internal-ca.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('chain verified');
    expect(stdout).toContain('The certificate has expired 10 days ago.');
  }, 120_000);

  it('check-expiry.ts inspects an FMC over SSH and prints the vendor’s verdicts; exit 5 for a CA expiring in 20 days', async () => {
    const { code, stdout, stderr } = await runExample('check-expiry.ts');
    expect(code, stderr).toBe(5);
    expect(stdout).toContain('The certificate will expire within the next 30 days!');
    expect(stdout).toMatch(/^InternalCA +expiring +(19|20) days .* health alert warning$/m);
    expect(stdout).toMatch(/^FMC sftunnel certificate +expiring /m);
    expect(stdout.match(/^FTD-000\d +expiring /gm)).toHaveLength(3);
  }, 180_000);

  it('renew-fleet-from-csv.ts, pointed at an FMC by FMC_HOST and a devices.csv, renews every device: new CA on each, every tunnel up', async () => {
    const lab = await startLab({ devices: 6, caState: 'expired', tunnels: { down: [2] } });
    const files = await writeLabFiles(lab);
    try {
      const oldCa = await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate);
      const { code, stdout, stderr } = await runExample('renew-fleet-from-csv.ts', [files.devicesCsv], {
        FMC_HOST: lab.fmc.address,
        FMC_PORT: String(lab.fmc.sshPort),
        SFTUNNEL_CA_PASSWORD_FILE: files.passwordFile,
        KNOWN_HOSTS: files.knownHosts,
      });
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^preflight: \d+ pass, \d+ warn, 0 fail$/m);
      expect(stdout).toContain('6 of 6 devices renewed; FMC switched: true');
      expect(stdout).toContain('6 of 6 tunnels up');
      // What the appliances hold now: the FMC's new CA on every device (the old one kept as a backup), every tunnel up.
      const newCa = await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate);
      expect(Certificate.fromPem(newCa).fingerprintSha256).not.toBe(Certificate.fromPem(oldCa).fingerprintSha256);
      const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
      for (const device of lab.devices) {
        expect(await lab.readFile(device.name, peer.caCertificate)).toBe(newCa);
        expect(await lab.readFile(device.name, `${peer.caCertificate}.backup`)).toBe(oldCa);
        expect((await stat(lab.path(device.name, peer.sftunnelKey))).mode & 0o777).toBe(0o644);
        expect(lab.tunnel(device.name).state).toBe('connected');
      }
    } finally {
      await lab.stop();
      await rm(files.dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('copy-failed-push.ts copies to the two devices generate_certs.pl listed in FAILED_PUSH, logs like the vendor, and all tunnels come up', async () => {
    const { code, stdout, stderr } = await runExample('copy-failed-push.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^\/var\/tmp\/certs\/\d+\/FAILED_PUSH: FTD-0002 \(127\.\d+\.1\.2\), FTD-0004 \(127\.\d+\.1\.4\)$/m);
    for (const name of ['FTD-0002', 'FTD-0004']) {
      expect(stdout).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - Successfully copied certificates to ${name}$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - Restarting sftunnel for ${name}$`, 'm'));
    }
    expect(stdout).not.toContain('FTD-0001');
    expect(stdout).toContain('copied 2, failed 0');
    expect(stdout).toContain('5 of 5 tunnels up');
  }, 300_000);

  it('jump-server-ha-pair.ts renews the primary, then the secondary, each with its own new CA, all tunnels up to both', async () => {
    const { code, stdout, stderr } = await runExample('jump-server-ha-pair.ts');
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^FMCpri: new InternalCA [0-9a-f]{16}…, 4 of 4 devices renewed, 4 of 4 tunnels up$/);
    expect(lines[1]).toMatch(/^FMCsec: new InternalCA [0-9a-f]{16}…, 4 of 4 devices renewed, 4 of 4 tunnels up$/);
    expect(lines[0]!.slice(24, 40)).not.toBe(lines[1]!.slice(24, 40));
  }, 300_000);

  it('embed-exporter-express.ts serves the exporter’s metrics beside the app’s own, ready after the first round', async () => {
    const { code, stdout, stderr } = await runExample('embed-exporter-express.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/\/sftunnel\/readyz → 200$/m);
    expect(stdout).toMatch(/^app_hits_total 1$/m);
    expect(stdout).toMatch(/^sftunnel_ca_not_after\S* \d/m);
    expect(stdout.match(/^sftunnel_tunnel_up\{[^}]*\} 1$/gm)).toHaveLength(3);
  }, 180_000);

  it('custom-progress.ts renders the engine’s events: run:start first, one line per device with its steps, run:done last', async () => {
    const { code, stdout, stderr } = await runExample('custom-progress.ts');
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('keys      7 of 7 generated');
    expect(lines[1]).toMatch(/^run:start FMCpri: 5 devices from \/var\/tmp\/certs\/\d+$/);
    expect(lines.at(-1)).toMatch(/^run:done  5 renewed in \d+\.\d s$/);
    const devices = lines.filter((line) => line.startsWith('device '));
    expect(devices).toHaveLength(5);
    for (const line of devices) expect(line).toMatch(/^device    FTD-000[1-5] renewed in \d+\.\d s: connect › inspect › write › verify( › restart)?( › tunnel)?$/);
    expect(lines).toContain('fmc       FMCpri switch start');
    expect(lines).toContain('fmc       FMCpri switch done');
  }, 300_000);

  it('lab-rehearsal.ts renews 7 of 8, finishes the unreachable one with a copy run, and ends with every tunnel up', async () => {
    const { code, stdout, stderr } = await runExample('lab-rehearsal.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('FTD-0008: failed at connect (CONNECT_REFUSED)');
    expect(stdout).toMatch(/^renewal: {2}7 of 8 renewed, FAILED_PUSH \/var\/tmp\/certs\/\d+\/FAILED_PUSH$/m);
    expect(stdout).toContain('copy run: 1 of 1 renewed');
    expect(stdout).toContain('tunnels:  6 of 8 up before, 8 of 8 up after');
  }, 300_000);
});
