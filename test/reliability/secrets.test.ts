/**
 * Secrets never leak: a representative set of CLI commands runs against a lab with known
 * passwords and keys (check, status, plan, renew with a journal, verify, rollback, a wrong
 * password, the exporter), while every descendant process's argv is watched. Everything they
 * printed, every file they wrote on the operator's machine, the exporter's endpoints and the
 * appliances' logs are scanned for the passwords and for private-key material (`PRIVATE KEY`
 * armour, or the body of any device key held before or after the renewal). The journal is mode 0600.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ftdPeerFiles } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { useCliLab } from '../../packages/cli/test/cli-lab.js';
import { BINARY, runBinary } from '../../packages/cli/test/run-binary.js';
import { watchDescendantArgv } from '../secret-audit/descendant-argv.js';
import { secretMaterialIn } from '../secret-audit/secret-material.js';

const env = { SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };
const WRONG_PASSWORD = 'Wrong-Password-4-Secrets-Test';

/** Runs `sftunnel-ca exporter` until it has served /metrics, /healthz and /readyz once; returns what it printed and served. */
async function exporterRun(config: string): Promise<string> {
  const child = spawn(process.execPath, [BINARY, 'exporter', '--config', config], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const found = /serving (http:\/\/\S+)\/metrics/.exec(printed);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.on('close', (code) => reject(new Error(`the exporter exited ${String(code)}: ${printed}`)));
  });
  let served = '';
  for (const path of ['/readyz', '/metrics', '/healthz']) served += await (await fetch(`${url}${path}`)).text();
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGTERM');
  await closed;
  return printed + served;
}

/** Every file under a directory, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('reliability › secrets never appear in output, files, logs or argv', () => {
  const fixture = useCliLab({ devices: 3, caState: 'expiring' });

  it('scans every output, file, log and child argv of a representative set of runs: no password, no private key', async () => {
    const { lab, dir, sshKnownHosts, passwordFile } = fixture;
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const keyBodies = async (): Promise<string[]> => Promise.all(lab.devices.map(async (d) => (await lab.readFile(d.name, peer.sftunnelKey)).split('\n')[1] ?? ''));
    const secrets = new Set([lab.fmc.password, WRONG_PASSWORD, ...(await keyBodies())]);
    const devices = await fixture.writeDevicesCsv('devices.csv', lab.devices);
    const wrongPasswordFile = join(dir, 'wrong-password');
    await writeFile(wrongPasswordFile, `${WRONG_PASSWORD}\n`, { mode: 0o600 });
    const exporterConfig = join(dir, 'exporter.json');
    await writeFile(exporterConfig, JSON.stringify({ listen: '127.0.0.1:0', intervalSeconds: 3600, fmcs: [{ name: 'lab', address: lab.fmc.address, port: lab.fmc.sshPort, user: lab.fmc.username, strategy: 'expert', password: `file:${passwordFile}`, hostKey: lab.fmc.hostKeyFingerprint }] }));
    const inputs = new Set([passwordFile, wrongPasswordFile]);
    const journal = join(dir, 'renewal.journal');

    const watch = watchDescendantArgv();
    const printed: Array<{ what: string; text: string }> = [];
    const cli = async (what: string, args: readonly string[]): Promise<number> => {
      const run = await runBinary(args, { env, cwd: dir });
      printed.push({ what, text: run.stdout + run.stderr });
      return run.code;
    };
    await cli('check', ['check', ...sshKnownHosts, '--json']);
    await cli('status', ['status', ...sshKnownHosts]);
    await cli('plan', ['plan', ...sshKnownHosts, '--devices', devices, '--json']);
    expect(await cli('renew', ['renew', ...sshKnownHosts, '--devices', devices, '--yes', '--journal', journal])).toBe(0);
    for (const body of await keyBodies()) secrets.add(body); // the new keys
    await cli('verify', ['verify', ...sshKnownHosts, '--devices', devices, '--json']);
    await cli('rollback', ['rollback', ...sshKnownHosts, '--devices', devices, '--yes']);
    expect(await cli('wrong password', ['check', '--fmc', sshKnownHosts[1] ?? '', '--password-file', wrongPasswordFile, '--host-key', lab.fmc.hostKeyFingerprint])).not.toBe(0);
    printed.push({ what: 'exporter', text: await exporterRun(exporterConfig) });
    const argv = await watch.stop();

    const onOperatorMachine = (await filesUnder(dir)).filter((file) => !inputs.has(file));
    const corpus = [
      ...printed,
      ...(await Promise.all(onOperatorMachine.map(async (file) => ({ what: file, text: await readFile(file, 'utf8') })))),
      ...(await Promise.all(lab.appliances.map(async (a) => ({ what: `${a.name} messages log`, text: await lab.messages(a.name) })))),
      { what: 'FMC renewal log', text: await lab.readFile(lab.fmc.name, lab.layout.fmc.renewalLog).catch(() => '') },
      ...[...argv].flatMap(([pid, lines]) => lines.map((line) => ({ what: `argv of ${pid}`, text: line }))),
    ];
    const hits = corpus.flatMap(({ what, text }) => secretMaterialIn(text, [...secrets]).map((found) => `${what}: ${found}`));
    console.log(`secrets: scanned ${printed.length} command outputs, ${onOperatorMachine.length} files in the working directory, ${lab.appliances.length + 1} logs, ${argv.size} child argv (${corpus.length} texts, ${corpus.reduce((n, c) => n + c.text.length, 0)} characters) for ${secrets.size} known secrets and every kind of secret material: ${hits.length} hits`);
    expect(hits).toEqual([]);
    expect(argv.size).toBeGreaterThan(0);
    expect(((await stat(journal)).mode & 0o777).toString(8)).toBe('600');
  });
});
