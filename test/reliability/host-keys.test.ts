/**
 * Strict host-key checking everywhere: no test, example, benchmark or script accepts any host key
 * (an ssh2 `hostVerifier` that always says yes, OpenSSH's `StrictHostKeyChecking=no` or a
 * `/dev/null` known_hosts); the `accept-new` policy appears only where that policy itself is
 * tested; and a connection given no trust at all refuses the host (the default is strict), as
 * does one whose host key changed.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isSftunnelCaError, Secret } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';
import { connectAppliance, useLabFmc } from '../renewal/lab-fleet.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACCEPT_ANY = [/hostVerifier:\s*\(\)\s*=>\s*true/, /StrictHostKeyChecking=no/i, /UserKnownHostsFile=\/dev\/null/];
/** Where `accept-new` is the behaviour under test (the policy, the CLI flag that selects it). */
const ACCEPT_NEW_TESTED = new Set(['packages/transport/test/host-key-verifier.test.ts', 'packages/transport/src/host-key-verifier.ts', 'packages/cli/test/check-fmc.test.ts', 'packages/cli/src/ssh-options.ts']);

async function sources(): Promise<string[]> {
  const roots = ['test', 'examples', 'bench', 'scripts', ...(await readdir(join(ROOT, 'packages'))).map((p) => join('packages', p))];
  const found: string[] = [];
  for (const root of roots) {
    const entries = await readdir(join(ROOT, root), { withFileTypes: true, recursive: true }).catch(() => []);
    for (const entry of entries) {
      const path = relative(ROOT, join(entry.parentPath, entry.name));
      if (entry.isFile() && /\.(ts|js|mjs|sh)$/.test(entry.name) && !/(^|\/)(node_modules|dist)\//.test(path)) found.push(path);
    }
  }
  return found;
}

async function refusal(connect: () => Promise<SshHost>): Promise<string> {
  try {
    await (await connect()).close();
    return 'accepted';
  } catch (error) {
    if (isSftunnelCaError(error)) return error.code;
    throw error;
  }
}

describe('reliability › strict host-key checking', () => {
  const fleet = useLabFmc({ devices: [{ name: 'changed' }], direct: true });

  it('no source accepts any host key, and accept-new appears only where it is the subject', async () => {
    const offenders: string[] = [];
    const files = await sources();
    for (const file of files) {
      const text = await readFile(join(ROOT, file), 'utf8');
      for (const pattern of ACCEPT_ANY) if (pattern.test(text) && file !== 'test/reliability/host-keys.test.ts') offenders.push(`${file}: ${pattern.source}`);
      if (/policy:\s*'accept-new'|--accept-new-host-key/.test(text) && !ACCEPT_NEW_TESTED.has(file) && file !== 'test/reliability/host-keys.test.ts') offenders.push(`${file}: accept-new`);
    }
    console.log(`host keys: ${files.length} source files scanned, ${offenders.length} accepting any key`);
    expect(files.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('refuses a host it has no trust for (the default is strict) and a host whose key changed', async () => {
    const { lab } = fleet;
    const device = lab.appliance('changed');
    const home = await mkdtemp(join(tmpdir(), 'empty-home-'));
    const original = process.env['HOME'];
    try {
      process.env['HOME'] = home; // ~/.ssh/known_hosts, the default, does not exist
      const untrusted = await refusal(() =>
        SshHost.connect({ name: device.name, host: device.address, port: device.sshPort, username: 'root', password: new Secret(device.password), strategy: 'direct', retry: { attempts: 1 } }),
      );
      expect(untrusted).toBe('HOST_KEY_UNKNOWN');
    } finally {
      process.env['HOME'] = original;
      await rm(home, { recursive: true, force: true });
    }
    await lab.setFaults(device.name, { hostKeyChanged: true });
    expect(await refusal(() => connectAppliance(device, 'direct'))).toBe('HOST_KEY_MISMATCH');
    await lab.setFaults(device.name, {});
    expect(await refusal(() => connectAppliance(device, 'direct'))).toBe('accepted');
  });
});
