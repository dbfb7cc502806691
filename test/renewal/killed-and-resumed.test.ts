import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ftdPeerFiles, type PreparedRenewal, type RenewalResult } from '@sftunnel-ca/core';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewProcessEnvironment } from '../reliability/renew-process.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'renew-child.ts');

/** Runs the renewal in a child process; `until` may kill it (SIGKILL) on a line of its output. */
function runChild(env: NodeJS.ProcessEnv, until?: (lines: readonly string[]) => boolean): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let rest = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      if (until?.(lines) === true) child.kill('SIGKILL');
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve({ lines, signal }) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('renewal › (g) a one-go run (renewFleet) is killed (SIGKILL) mid-delivery and resumed', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab({ devices: 50, caState: 'expiring', direct: true });
    dir = await mkdtemp(join(tmpdir(), 'renewal-journal-'));
  }, 180_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('resumes where it stopped: no key generated twice, no device delivered twice, all 50 end up on the new CA', async () => {
    const journal = join(dir, 'renewal.journal');
    const env = renewProcessEnvironment(lab, journal);
    const delivered = (lines: readonly string[]) => lines.filter((l) => l.includes('"step":"verify"')).length;
    const generated = (lines: readonly string[]) => lines.filter((l) => l.includes('prepare:progress')).length;
    const first = await runChild(env, (lines) => delivered(lines) >= 12);
    expect(first.signal).toBe('SIGKILL');
    const journalLines = (await readFile(journal, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; uuid?: string; stagingDirectory?: string });
    const deliveredBeforeKill = new Set(journalLines.filter((e) => e.type === 'delivered').map((e) => e.uuid));
    expect(deliveredBeforeKill.size).toBeGreaterThan(0);
    expect(deliveredBeforeKill.size).toBeLessThan(50);
    const stagingDirectory = journalLines[0]?.stagingDirectory ?? '';
    // The keys the killed run staged (it may have been killed while generating the rest).
    const stagedKey = async (uuid: string) => {
      const read = (name: string) => lab.readFile(lab.fmc.name, `${stagingDirectory}/peers/${uuid}/${name}`).then((text) => createHash('sha256').update(text).digest('hex'), () => undefined);
      const [certificate, key] = await Promise.all([read('sftunnel-cert.pem'), read('sftunnel-key.pem')]);
      return certificate === undefined ? undefined : key; // a pair counts once both are staged
    };
    const stagedNow = async () => new Map((await Promise.all(lab.devices.map(async (d) => [d.uuid, await stagedKey(d.uuid)] as const))).filter(([, sha]) => sha !== undefined));
    // A staging command the run had sent whole still completes on the FMC after the kill (as under sshd): count once that has settled.
    let stagedBeforeKill = await stagedNow();
    for (let round = 0, settled = false; !settled; round++) {
      if (round === 60) throw new Error('the FMC kept staging 30 s after the kill: a command of the killed run never ended');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = await stagedNow();
      settled = again.size === stagedBeforeKill.size;
      stagedBeforeKill = again;
    }
    for (const uuid of deliveredBeforeKill) expect(stagedBeforeKill.has(uuid ?? '')).toBe(true);

    const second = await runChild(env);
    // No staged key generated again: the rerun generated only the pairs the killed run had not staged (the CA's and the FMC's were).
    console.log(`(g) keys generated: ${generated(first.lines)} before the kill (${stagedBeforeKill.size} device pairs staged), ${generated(second.lines)} after`);
    expect(generated(second.lines)).toBe(50 - stagedBeforeKill.size);
    const result = (JSON.parse(second.lines.at(-1) ?? '{}') as { result: RenewalResult }).result;
    const notRenewed = result.devices.filter((device) => device.outcome !== 'renewed').map((device) => `${device.name} ${device.outcome} ${device.cause ?? ''} at ${device.step ?? '-'}: ${device.message ?? ''}`);
    expect(result.counts.renewed, notRenewed.join('\n')).toBe(50);
    // The rerun generated the rest while delivering: both phases and the change window are recorded.
    // When the killed run had staged every pair before its 12th delivery (a fast lab), there is no
    // rest: the rerun records no generation at all.
    if (stagedBeforeKill.size < 50) expect(result.phases.generate?.durationMs).toBeGreaterThan(0);
    else expect(result.phases.generate).toBeUndefined();
    expect(result.phases.deliver?.durationMs).toBeGreaterThan(0);
    expect(result.changeWindow?.durationMs).toBeGreaterThan(0);
    for (const device of result.devices) if (deliveredBeforeKill.has(device.uuid)) expect(device.alreadyDelivered).toBe(true);
    // The devices delivered after the kill were started only by the second run.
    const startedAgain = second.lines.filter((l) => l.includes('"step":"write"')).map((l) => (JSON.parse(l) as { uuid: string }).uuid);
    expect(startedAgain.filter((uuid) => deliveredBeforeKill.has(uuid))).toEqual([]);

    // Every device holds the key in the manifest, and every key staged before the kill is the one it got.
    const manifest = JSON.parse(await lab.readFile(lab.fmc.name, `${stagingDirectory}/manifest.json`)) as PreparedRenewal;
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    for (const staged of manifest.devices) {
      const device = lab.devices.find((d) => d.uuid === staged.uuid)!;
      const key = await lab.readFile(device.name, peer.sftunnelKey);
      expect(createHash('sha256').update(key).digest('hex')).toBe(staged.key.sha256);
      if (stagedBeforeKill.has(staged.uuid)) expect(staged.key.sha256).toBe(stagedBeforeKill.get(staged.uuid));
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
  });
});
