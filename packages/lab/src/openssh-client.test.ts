import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';

/** Runs the real OpenSSH client against a lab appliance, typing `lines` once it sees `> `. */
async function openssh(lab: Lab, name: string, lines: readonly string[]): Promise<{ output: string; code: number | null }> {
  const appliance = lab.appliance(name);
  const dir = await mkdtemp(join(tmpdir(), 'lab-ssh-'));
  try {
    const host = appliance.sshPort === 22 ? appliance.address : `[${appliance.address}]:${appliance.sshPort}`;
    await writeFile(join(dir, 'known_hosts'), `${host} ${appliance.hostPublicKey}\n`);
    // The password reaches ssh through SSH_ASKPASS (never argv), read from a 0600 file.
    await writeFile(join(dir, 'secret'), appliance.password, { mode: 0o600 });
    await writeFile(join(dir, 'askpass'), `#!/bin/sh\ncat '${join(dir, 'secret')}'\n`);
    await chmod(join(dir, 'askpass'), 0o700);
    const child = spawn(
      'ssh',
      ['-tt', '-p', String(appliance.sshPort), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=keyboard-interactive,password', `${appliance.username}@${appliance.address}`],
      { env: { ...process.env, SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'lab:0' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    let sent = 0;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (sent < lines.length && /(> |\$ |# |Password:)$/.test(output)) child.stdin.write(`${lines[sent++]}\r`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    return { output: output.replace(/\r\n/g, '\n'), code };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the real OpenSSH client', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1, sshPort: 0 });
  });
  afterAll(() => lab.stop());

  it('logs into a lab FTD, verifying its host key, and sees the CLI prompt `> `', async () => {
    const { output, code } = await openssh(lab, 'FTD-0001', ['show version', 'exit']);
    expect(output).toContain('Copyright 2004-2024, Cisco and/or its affiliates. All rights reserved.');
    expect(output).toMatch(/\n> show version\n-+\[ FTD-0001 \]-+\n/);
    expect(output).toContain(`UUID                      : ${lab.devices[0]!.uuid}`);
    expect(code).toBe(0);
    expect(output).not.toContain(lab.devices[0]!.password);
  });

  it('reaches a root shell through expert and sudo su', async () => {
    const { output } = await openssh(lab, 'FTD-0001', ['expert', 'sudo su', lab.devices[0]!.password, 'id -u', 'exit', 'exit', 'exit']);
    expect(output).toContain('admin@FTD-0001:~$ ');
    expect(output).toContain('Password:');
    expect(output).toMatch(/root@FTD-0001:\/home\/admin# id -u\n0\n/);
  });
});
