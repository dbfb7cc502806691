import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../src/lab-state.js';
import { expectValidDocument } from './json-schema.js';
import { runBinary } from './run-binary.js';

interface LabDocument {
  pid: number;
  fmc: { username: string; address: string; sshPort: number };
  files: { password: string; knownHosts: string; devicesCsv: string };
}

describe('sftunnel-ca lab up|status|down (built binary)', () => {
  let home: string;
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let lab: LabDocument;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sftunnel-ca-state-'));
    stateDir = join(home, 'sftunnel-ca', 'lab');
    env = { XDG_STATE_HOME: home, SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };
  });
  afterAll(async () => {
    if (lab !== undefined && processAlive(lab.pid)) process.kill(lab.pid, 'SIGTERM');
    await rm(home, { recursive: true, force: true });
  });

  it('starts a lab in the background and describes it, with a 0600 password file', async () => {
    const up = await runBinary(['lab', 'up', '--devices', '4', '--down', '1', '--json'], { env });
    expect(up.code, up.stderr).toBe(0);
    lab = JSON.parse(up.stdout) as LabDocument;
    expectValidDocument('sftunnel-ca/lab/v1', lab);
    expect(processAlive(lab.pid)).toBe(true);
    expect((await stat(lab.files.password)).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    const password = (await readFile(lab.files.password, 'utf8')).trim();
    expect(up.stdout).not.toContain(password);
  });

  it('refuses a second lab in the same place', async () => {
    const again = await runBinary(['lab', 'up'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already up');
  });

  it('reports tunnels from the lab FMC’s sftunnel_status.pl, one down', async () => {
    const status = await runBinary(['lab', 'status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    const document = JSON.parse(status.stdout) as { devices: Array<{ tunnel: string }> };
    expectValidDocument('sftunnel-ca/lab-status/v1', document);
    expect(document.devices.map((device) => device.tunnel)).toEqual(['down', 'up', 'up', 'up']);
  });

  it('can be checked with the files it wrote, with strict host keys', async () => {
    const target = `${lab.fmc.username}@${lab.fmc.address}:${lab.fmc.sshPort}`;
    const check = await runBinary(['check', '--fmc', target, '--password-file', lab.files.password, '--known-hosts', lab.files.knownHosts, '--json'], { env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(6);
    expectValidDocument('sftunnel-ca/check/v1', JSON.parse(check.stdout));
  });

  it('stops, leaving no process and none of its files', async () => {
    const down = await runBinary(['lab', 'down'], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(processAlive(lab.pid)).toBe(false);
    await expect(access(stateDir)).rejects.toMatchObject({ code: 'ENOENT' });
    const status = await runBinary(['lab', 'status', '--json'], { env });
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ up: false });
  });
});
