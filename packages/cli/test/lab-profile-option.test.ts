import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labProfiles } from '../src/commands/lab.js';
import { runBinary } from './run-binary.js';

interface LabDocument {
  pid: number;
  fmc: { username: string; address: string; sshPort: number };
  devices: Array<{ name: string }>;
  files: { password: string; knownHosts: string; devicesCsv: string };
}

interface ProbeDocument {
  appliances: Array<{ name: string; role: string; report?: { version: { text?: string }; login: { root: boolean } } }>;
}

describe('lab up --profile', () => {
  it('gives the FMC profile to the FMC and shares the FTD profiles out over the devices in turn', () => {
    expect(labProfiles(undefined, 2)).toEqual({ devices: 2 });
    expect(labProfiles('fmc-7, ftd-6.4-hw,fp4100-module', 3)).toEqual({
      profile: 'fmc-7',
      devices: [{ profile: 'ftd-6.4-hw' }, { profile: 'fp4100-module' }, { profile: 'ftd-6.4-hw' }],
    });
    expect(labProfiles('fmc-6.2-bash', 2)).toEqual({ profile: 'fmc-6.2-bash', devices: [{}, {}] });
    expect(() => labProfiles('fmc-7,fmc-6.2-bash', 1)).toThrow(/more than one FMC profile/);
    expect(() => labProfiles(',', 1)).toThrow(/--profile takes/);
  });

  describe('(built binary)', () => {
    let home: string | undefined;
    let pid: number | undefined;
    afterAll(async () => {
      if (pid !== undefined) await runBinary(['lab', 'down'], { env: { XDG_STATE_HOME: home } });
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    });

    it('starts a lab whose appliances are the releases named, as probe reads them; refuses an unknown profile', async () => {
      home = await mkdtemp(join(tmpdir(), 'sftunnel-ca-profile-'));
      const env = { XDG_STATE_HOME: home, SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };
      const unknown = await runBinary(['lab', 'up', '--devices', '1', '--profile', 'ftd-5.4', '--foreground'], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/INVALID_ARGUMENT[^\n]*unknown lab profile "ftd-5\.4"/);

      const up = await runBinary(['lab', 'up', '--devices', '2', '--profile', 'fmc-6.2-bash,ftd-6.4-hw,fp4100-module', '--json'], { env });
      expect(up.code, up.stderr).toBe(0);
      const lab = JSON.parse(up.stdout) as LabDocument;
      pid = lab.pid;
      const target = `${lab.fmc.username}@${lab.fmc.address}:${lab.fmc.sshPort}`;
      const run = await runBinary(['probe', '--fmc', target, '--password-file', lab.files.password, '--known-hosts', lab.files.knownHosts, '--strategy', 'expert', '--devices', lab.files.devicesCsv, '--json'], { env });
      expect(run.code, run.stderr).toBe(0);
      const document = JSON.parse(run.stdout) as ProbeDocument;
      const versions = Object.fromEntries(document.appliances.map((a) => [a.role === 'fmc' ? 'fmc' : a.name, a.report?.version.text]));
      expect(versions).toEqual({ fmc: '6.2.3', 'FTD-0001': '6.4.0.9', 'FTD-0002': '6.4.0' });
      expect(document.appliances.every((a) => a.report?.login.root === true)).toBe(true);
    });
  });
});
