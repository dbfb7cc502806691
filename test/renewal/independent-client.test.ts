/**
 * The independent client check of issue 21: the vendor's manual method, typed into a lab FTD by
 * Python's paramiko (not by our transport), as an operator would: the restricted CLI, `expert`,
 * `sudo su`, backups, here-documents, `pmtool restartbyid sftunnel` — and the tunnel comes back on
 * the new CA. The system set-up (scripts/system-setup.sh) installs python3-paramiko.
 */
import { execFile } from 'node:child_process';
import { Certificate, ftdPeerFiles, type PlannedDevice } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { labConnect, renewLabFmc, useLabFmc } from './lab-fleet.js';

const SCRIPT = new URL('./fixtures/manual_method.py', import.meta.url).pathname;
/** Debian's python3, where python3-paramiko is installed (not a version manager's). */
const PYTHON = '/usr/bin/python3';

/** Runs the script with its job on standard input; resolves with what it printed and its exit status. */
function manualMethod(job: object): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(PYTHON, [SCRIPT], { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
    child.stdin?.end(JSON.stringify(job));
  });
}

describe('renewal › the manual method by an independent client (paramiko) on a lab FTD', () => {
  // The device answers as a 6.4 appliance does: banner lines, the NOTICE on `expert`, sudo's lecture, `Password: `.
  const fleet = useLabFmc({ devices: [{ name: 'FTD-64', profile: 'ftd-6.4-hw' }, {}], caState: 'expired', direct: ['FMCpri'] }, async (lab) => {
    await lab.setFaults(lab.devices[0]!.name, { unreachable: true });
  });

  it('expert, sudo su, *.backup, here-documents, pmtool restartbyid sftunnel: the tunnel comes back on the new CA', async () => {
    const { lab, fmc } = fleet;
    const target = lab.devices[0]!;
    // The FMC renewed while the device could not be reached: it is left for the manual method.
    const { plan, prepared, result } = await renewLabFmc(lab, fmc, { deliver: { connect: labConnect(lab, 'expert', 3_000) } });
    expect(result.devices.find((d) => d.name === target.name)?.outcome).toBe('failed');
    await lab.setFaults(target.name, {});
    await lab.restartTunnel(target.name);
    expect(lab.tunnel(target.name).state).toBe('disconnected');

    const planned = plan.devices.find((d) => d.name === target.name) as PlannedDevice;
    const files = Object.fromEntries(await Promise.all(planned.files.map(async (file) => [file.destination.split('/').pop() ?? '', await lab.readFile(lab.fmc.name, file.source)] as const)));
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const before = await lab.readFile(target.name, peer.caCertificate);
    const run = await manualMethod({ host: target.address, port: target.sshPort, username: target.username, password: target.password, hostKey: target.hostPublicKey, directory: peer.directory, files });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('sudo su: root shell');
    expect(run.stdout).not.toContain(target.password);

    expect(Certificate.fromPem(await lab.readFile(target.name, peer.caCertificate)).fingerprintSha256).toBe(prepared.ca.certificate.fingerprintSha256);
    expect(await lab.readFile(target.name, `${peer.caCertificate}.backup`)).toBe(before);
    expect(lab.tunnel(target.name).state).toBe('connected');
  });
});
