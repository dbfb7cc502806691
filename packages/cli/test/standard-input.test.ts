import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { BINARY, type BinaryRun } from './run-binary.js';

const CACERT = fileURLToPath(new URL('../../../examples/fixtures/cacert.pem', import.meta.url));
const FTD_LOG = fileURLToPath(new URL('../../../examples/fixtures/messages-ftd.log', import.meta.url));

/** Runs the built binary with `input` on its standard input (a pipe, as `cat cacert.pem | …`) and `env` over the process's. */
function runWithInput(args: readonly string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<BinaryRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BINARY, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ stdout, stderr, code: error === null ? 0 : Number(error.code) });
    });
    child.stdin?.end(input);
  });
}

// Issue 23: `-` is standard input where a file is read.
describe('sftunnel-ca check --file - (built binary)', () => {
  it('reads the CA certificate from standard input, as from the file', async () => {
    const pem = await readFile(CACERT, 'utf8');
    const fromFile = JSON.parse((await runWithInput(['check', '--file', CACERT, '--at', '2034-10-15', '--json'], '')).stdout) as Record<string, unknown>;
    const run = await runWithInput(['check', '--file', '-', '--at', '2034-10-15', '--json'], pem);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(5);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expectValidDocument('sftunnel-ca/check/v1', document);
    expect(document).toEqual({ ...fromFile, source: { file: '-' } });
  });

  it('refuses standard input that is not a certificate, naming it (exit 2)', async () => {
    const run = await runWithInput(['check', '--file', '-'], 'not a certificate\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PEM_INVALID');
    expect(run.stderr).toContain('standard input');
  });
});

describe('sftunnel-ca diagnose - (built binary)', () => {
  it('reads a messages log from standard input, as from the file', async () => {
    const fromFile = JSON.parse((await runWithInput(['diagnose', FTD_LOG, '--json'], '')).stdout) as { findings: Array<Record<string, unknown>>; causes: unknown };
    const run = await runWithInput(['diagnose', '-', '--json'], await readFile(FTD_LOG, 'utf8'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { files: string[]; findings: Array<Record<string, unknown>>; causes: unknown };
    expectValidDocument('sftunnel-ca/diagnose/v1', document);
    expect(fromFile.findings.length).toBeGreaterThan(0);
    expect(document.files).toEqual(['-']);
    expect(document.findings).toEqual(fromFile.findings.map((finding) => ({ ...finding, file: '-' })));
    expect(document.causes).toEqual(fromFile.causes);
  });

  it('refuses - named twice (exit 2)', async () => {
    const run = await runWithInput(['diagnose', '-', '-'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('standard input');
  });
});

describe('- for standard input: inventories and credentials (built binary against a lab of 2 devices)', () => {
  const fixture = useCliLab({ devices: 2, caState: 'valid' });

  it('verify --devices - reads a devices.csv from standard input, as from the file', async () => {
    const csv = await fixture.writeDevicesCsv('devices.csv', fixture.lab.devices);
    const fromFile = JSON.parse((await runWithInput(['verify', ...fixture.sshKnownHosts, '--devices', csv, '--json'], '', fixture.env)).stdout) as { devices: Array<{ name: string }> };
    const run = await runWithInput(['verify', ...fixture.sshKnownHosts, '--devices', '-', '--json'], await readFile(csv, 'utf8'), fixture.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const names = (JSON.parse(run.stdout) as { devices: Array<{ name: string }> }).devices.map((device) => device.name);
    expect(names.sort()).toEqual(fromFile.devices.map((device) => device.name).sort());
    expect(names).toHaveLength(2);
  });

  it('verify --devices - reads a YAML inventory from standard input (told from a devices.csv by how it starts)', async () => {
    const yaml = ['devices:', ...fixture.lab.devices.flatMap((device) => [`  - name: ${device.name}`, `    address: ${device.address}`, `    port: ${device.sshPort}`, `    user: ${device.username}`, `    password: file:${fixture.passwordFile}`])].join('\n');
    const run = await runWithInput(['verify', ...fixture.sshKnownHosts, '--devices', '-', '--json'], `${yaml}\n`, fixture.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { devices: unknown[] }).devices).toHaveLength(2);
  });

  it('names standard input in an inventory error, with the line', async () => {
    const run = await runWithInput(['verify', ...fixture.sshKnownHosts, '--devices', '-'], 'ftd1,not an address,admin,secret\n', fixture.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DEVICES_CSV_\w+/);
    expect(run.stderr).toContain('standard input:1');
  });

  it('copy - reads its inventory argument from standard input', async () => {
    const csv = await fixture.writeDevicesCsv('copy.csv', fixture.lab.devices);
    const run = await runWithInput(['copy', '-', ...fixture.sshKnownHosts, '--json'], await readFile(csv, 'utf8'), fixture.env);
    expect(run.stderr).not.toContain('CLI_USAGE');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { records: unknown[] }).records).toHaveLength(2);
  });

  it('--password-file - reads the password from standard input (first line), and without it there is none', async () => {
    const { fmc } = fixture.lab;
    const target = ['--fmc', `${fmc.username}@${fmc.address}:${fmc.sshPort}`, '--host-key', fmc.hostKeyFingerprint];
    const without = await runWithInput(['status', ...target], `${fmc.password}\n`, fixture.env);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('no credentials');
    const run = await runWithInput(['status', ...target, '--password-file', '-', '--json'], `${fmc.password}\nignored\n`, fixture.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('--identity - reads the private key from standard input: the FMC is asked with it (and refuses a key it does not know)', async () => {
    const { fmc } = fixture.lab;
    const key = await generatedKey();
    const run = await runWithInput(['status', '--fmc', `${fmc.username}@${fmc.address}:${fmc.sshPort}`, '--host-key', fmc.hostKeyFingerprint, '--identity', '-'], key, fixture.env);
    expect(run.stderr).not.toContain('ENOENT');
    expect(run.stderr).not.toContain('CLI_USAGE');
    expect(run.stderr).toContain('AUTH');
  });

  it('refuses two inputs naming - before reading or connecting (exit 2, CLI_USAGE naming both)', async () => {
    const run = await runWithInput(['verify', ...fixture.sshKnownHosts.filter((word, i, all) => word !== '--password-file' && all[i - 1] !== '--password-file'), '--password-file', '-', '--devices', '-'], 'anything\n', fixture.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLI_USAGE');
    expect(run.stderr).toContain('--devices and --password-file both name - (standard input)');
    expect(run.stdout).toBe('');
  });
});

/** A new ed25519 private key in OpenSSH form, from ssh-keygen. */
async function generatedKey(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-key-'));
  try {
    await new Promise<void>((resolve, reject) => execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')], (error) => (error === null ? resolve() : reject(error))));
    return await readFile(join(dir, 'key'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
