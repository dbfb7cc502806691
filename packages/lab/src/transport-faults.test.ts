import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Secret, ftdPeerFiles, isSftunnelCaError, type SftunnelCaError } from '@sftunnel-ca/core';
import { SshHost, formatKnownHosts, type SshHostOptions } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type LabAppliance } from './index.js';
import { oneOfEachFault } from './testing/one-of-each-fault.js';

const FAULTS = oneOfEachFault(200);

async function failure(promise: Promise<unknown>): Promise<SftunnelCaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isSftunnelCaError(error)) throw new Error(`expected a coded error, got ${String(error)}`);
  return error;
}

describe('faults, observed through the transport', () => {
  let lab: Lab;
  let knownHosts: string;
  let caPath: string;

  /** Connects as the transport does to an FTD: the CLI, `expert`, `sudo su`; host keys from the lab's known_hosts. */
  const connect = (appliance: LabAppliance, options: Partial<SshHostOptions> = {}): Promise<SshHost> =>
    SshHost.connect({
      name: appliance.name,
      host: appliance.address,
      port: appliance.sshPort,
      username: appliance.username,
      password: new Secret(appliance.password),
      strategy: 'expert',
      hostKeys: { knownHostsFiles: [knownHosts] },
      connectTimeoutMs: 5_000,
      retry: { attempts: 1 },
      ...options,
    });

  /** Runs `action` on a connected FTD, then closes it. */
  const withHost = async <T>(name: string, action: (host: SshHost) => Promise<T>): Promise<T> => {
    const host = await connect(lab.appliance(name));
    try {
      return await action(host);
    } finally {
      await host.close();
    }
  };

  beforeAll(async () => {
    lab = await startLab({ devices: ['clean', ...Object.keys(FAULTS)].map((name) => ({ name })), faults: FAULTS });
    knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(knownHosts, formatKnownHosts(lab.appliances));
    caPath = ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate;
  });
  afterAll(() => lab.stop());

  describe('a clean FTD', () => {
    it('reaches root through expert and sudo su', async () => {
      const id = await withHost('clean', (host) => host.run('id -u; whoami'));
      expect(id).toEqual({ stdout: '0\nroot\n', stderr: '', code: 0 });
    });

    it('writes a peer file atomically, keeping root:root 0644 and a .backup', async () => {
      const before = await lab.readFile('clean', caPath);
      const written = await withHost('clean', async (host) => {
        const result = await host.writeFileAtomic(caPath, 'new CA\n', { backup: true });
        return { result, stat: await host.stat(caPath), shown: await host.run(`stat -c '%U:%G %a' ${caPath}`) };
      });
      expect(written.result.backupPath).toBe(`${caPath}.backup`);
      expect(written.stat).toMatchObject({ type: 'file', mode: 0o644, owner: 'root', group: 'root', size: 7 });
      expect(written.shown.stdout).toBe('root:root 644\n');
      expect(await lab.readFile('clean', caPath)).toBe('new CA\n');
      expect(await lab.readFile('clean', `${caPath}.backup`)).toBe(before);
    });

    it('returns exact output and exit codes', async () => {
      const outcome = await withHost('clean', async (host) => [
        await host.run("printf 'a\\n\\tb  c\\n'; printf 'warn\\n' >&2; exit 3"),
        await host.run('cat', { stdin: 'line one\nline two' }),
        await host.run('false'),
      ]);
      expect(outcome).toEqual([
        { stdout: 'a\n\tb  c\n', stderr: 'warn\n', code: 3 },
        { stdout: 'line one\nline two', stderr: '', code: 0 },
        { stdout: '', stderr: '', code: 1 },
      ]);
    });

    it('creates files under the session umask, and mktemp ones private', async () => {
      const script = 'umask; echo s > /tmp/v; ( umask 077 && echo s > /tmp/u ); stat -c %a /tmp/v /tmp/u "$(mktemp)" "$(mktemp -d)"';
      expect((await withHost('clean', (host) => host.run(script))).stdout).toBe('0022\n644\n600\n600\n700\n');
    });
  });

  it('unreachable: CONNECT_REFUSED', async () => {
    expect((await failure(connect(lab.appliance('unreachable')))).code).toBe('CONNECT_REFUSED');
  });

  it('silent: CONNECT_TIMEOUT', async () => {
    expect((await failure(connect(lab.appliance('silent'), { connectTimeoutMs: 500 }))).code).toBe('CONNECT_TIMEOUT');
  });

  it('wrong credentials: AUTH_FAILED', async () => {
    expect((await failure(connect(lab.appliance('wrong-credentials')))).code).toBe('AUTH_FAILED');
  });

  it('host key changed: HOST_KEY_MISMATCH naming both fingerprints', async () => {
    const appliance = lab.appliance('host-key-changed');
    const error = await failure(connect(appliance));
    expect(error.code).toBe('HOST_KEY_MISMATCH');
    expect(error.message).toContain(appliance.hostKeyFingerprint);
    expect(error.message).toMatch(/presented ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/);
    expect(error.message.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.filter((f) => f !== appliance.hostKeyFingerprint)).toHaveLength(1);
  });

  it('disk full: DISK_FULL, the target byte-identical', async () => {
    const before = await lab.readFile('disk-full', caPath);
    const files = await readdir(lab.path('disk-full', dirname(caPath)));
    const error = await withHost('disk-full', (host) => failure(host.writeFileAtomic(caPath, 'new CA\n', { backup: true })));
    expect(error.code).toBe('DISK_FULL');
    expect(error.message).toContain('No space left on device');
    expect(await lab.readFile('disk-full', caPath)).toBe(before);
    expect(await readdir(lab.path('disk-full', dirname(caPath)))).toEqual(files);
  });

  it('connection dropped after N bytes: CONNECTION_LOST, the target byte-identical', async () => {
    const before = await lab.readFile('drop', caPath);
    const error = await withHost('drop', (host) => failure(host.writeFileAtomic(caPath, 'x'.repeat(64 * 1024), { backup: true })));
    expect(error.code).toBe('CONNECTION_LOST');
    expect(await lab.readFile('drop', caPath)).toBe(before);
  });

  it('pmtool failing: a non-zero exit with the reason, the tunnel not restarted', async () => {
    const before = lab.tunnel('pmtool-fails').connectedSince;
    const outcome = await withHost('pmtool-fails', (host) => host.run('pmtool restartbyid sftunnel'));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Unable to restart sftunnel');
    expect(lab.tunnel('pmtool-fails').connectedSince).toEqual(before);
  });

  it('slow: OPERATION_TIMEOUT under a small deadline, success under a generous one', async () => {
    const error = await withHost('slow', (host) => failure(host.run('true', { timeoutMs: 100 })));
    expect(error.code).toBe('OPERATION_TIMEOUT');
    expect(await withHost('slow', (host) => host.run('echo ok', { timeoutMs: 10_000 }))).toEqual({ stdout: 'ok\n', stderr: '', code: 0 });
  });

  it('expert refused: ESCALATION_FAILED', async () => {
    const error = await failure(connect(lab.appliance('no-expert')));
    expect(error.code).toBe('ESCALATION_FAILED');
    expect(error.message).toContain('`expert` was refused');
  });
});
