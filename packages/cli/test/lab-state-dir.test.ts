import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../src/lab-state.js';
import { runBinary } from './run-binary.js';

// Issue 23: `lab up --state-dir X` used to suggest a bare `lab down`, which looked in the default
// place, said "No lab was up", exited 0 and left the lab running.
describe('sftunnel-ca lab with --state-dir (built binary)', () => {
  let home: string;
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let pid: number | undefined;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sftunnel-ca-state-dir-'));
    stateDir = join(home, 'my labs', 'one');
    env = { XDG_STATE_HOME: join(home, 'default'), SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };
  });
  afterAll(async () => {
    if (pid !== undefined && processAlive(pid)) process.kill(pid, 'SIGTERM');
    await rm(home, { recursive: true, force: true });
  });

  it('suggests the lab down (and lab status) that finds it again, and that one stops it', async () => {
    const up = await runBinary(['lab', 'up', '--devices', '1', '--state-dir', stateDir], { env });
    expect(up.code, up.stderr).toBe(0);
    pid = (JSON.parse(await readFile(join(stateDir, 'lab.json'), 'utf8')) as { pid: number }).pid;
    expect(up.stdout).toContain(`sftunnel-ca lab down --state-dir '${stateDir}'`);

    const elsewhere = await runBinary(['lab', 'down'], { env });
    expect(elsewhere.stdout).toContain('No lab was up');
    expect(elsewhere.stdout).toContain('--state-dir');
    expect(processAlive(pid)).toBe(true);

    const down = await runBinary(['lab', 'down', '--state-dir', stateDir], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`Lab stopped (pid ${pid})`);
    expect(processAlive(pid)).toBe(false);
    await expect(access(join(stateDir, 'lab.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says nothing of --state-dir when the lab is in the default place', async () => {
    const up = await runBinary(['lab', 'up', '--devices', '1'], { env });
    expect(up.code, up.stderr).toBe(0);
    pid = (JSON.parse(await readFile(join(home, 'default', 'sftunnel-ca', 'lab', 'lab.json'), 'utf8')) as { pid: number }).pid;
    expect(up.stdout).toMatch(/^ {2}sftunnel-ca lab down$/m);
    expect((await runBinary(['lab', 'down'], { env })).code).toBe(0);
    expect(processAlive(pid)).toBe(false);
  });
});
