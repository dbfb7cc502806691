import {
  Certificate,
  RenewalJournal,
  deliverRenewal,
  fmcPushedFiles,
  ftdPeerFiles,
  inspectFmc,
  isSftunnelCaError,
  keyMatchesCertificate,
  loadPreparedRenewal,
  parseFailedPush,
  planRenewal,
  prepareRenewal,
  rollbackRenewal,
  type Host,
  type RenewalPlan,
} from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labConnect, labInventory, useLabFmc } from './lab-fleet.js';

let journals: string;
beforeAll(async () => {
  journals = await mkdtemp(join(tmpdir(), 'sftunnel-ca-generations-'));
});
afterAll(async () => {
  await rm(journals, { recursive: true, force: true });
});

/** The bytes of every file a renewal replaces, on the FMC (with the CA key) and on every device. */
async function liveSet(lab: Lab): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const { fmc } = lab.layout;
  for (const path of [fmc.caCertificate, fmc.caKey, fmc.caCrl, fmc.sftunnelCertificate, fmc.sftunnelKey]) files.set(`${lab.fmc.name}:${path}`, await lab.readFile(lab.fmc.name, path));
  for (const device of lab.devices) {
    const pushed = fmcPushedFiles(lab.layout, device.uuid);
    for (const path of [pushed.sftunnelCertificate, pushed.sftunnelKey]) files.set(`${lab.fmc.name}:${path}`, await lab.readFile(lab.fmc.name, path));
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    for (const path of [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey]) files.set(`${device.name}:${path}`, await lab.readFile(device.name, path));
  }
  return files;
}

/** Keys whose content differs between two snapshots. */
function changed(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  return [...a].filter(([key, text]) => b.get(key) !== text).map(([key]) => key);
}

/** One journaled renewal of a lab's FMC (inspect → plan → prepare → deliver), as the CLI runs it. */
async function journaledRenewal(lab: Lab, fmc: Host, journalName: string, planOptions: Partial<Parameters<typeof planRenewal>[1]> = {}): Promise<{ plan: RenewalPlan; journal: RenewalJournal; result: Awaited<ReturnType<typeof deliverRenewal>> }> {
  const now = lab.clock.now();
  const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
  const plan = planRenewal(inspection, { now, inventory: labInventory(lab), ...planOptions });
  const prepared = await prepareRenewal(fmc, inspection, plan, { now });
  const journal = await RenewalJournal.open(join(journals, journalName), { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now);
  const result = await deliverRenewal(fmc, plan, prepared, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal });
  return { plan, journal, result };
}

/** A journaled run opened again to roll it back, with a plan of the FMC as it is now (the run's staging directory). */
async function journaledRun(lab: Lab, fmc: Host, journalName: string): Promise<{ plan: RenewalPlan; journal: RenewalJournal }> {
  const path = join(journals, journalName);
  const now = lab.clock.now();
  const journal = await RenewalJournal.open(path, (await RenewalJournal.peek(path))!, now);
  const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
  return { journal, plan: planRenewal(inspection, { now, inventory: labInventory(lab), stagingDirectory: journal.run.stagingDirectory }) };
}

/** Moves the lab's clock past a staging directory's second, so that each renewal stages in a directory of its own. */
function nextSecond(lab: Lab): void {
  lab.clock.advance(1_000);
}

describe('renewal › generations: the CA key installed, a second renewal rolled back to the first', () => {
  const fleet = useLabFmc({ devices: 4, caState: 'expired', direct: true });
  let originalSet: Map<string, string>;
  let firstSet: Map<string, string>;
  let first: { plan: RenewalPlan; journal: RenewalJournal };

  it('installs the new CA’s key with the new CA (0600, the old key kept as its backup): the FMC signs with a key its CA verifies', async () => {
    const { lab, fmc } = fleet;
    const caKeyPath = lab.layout.fmc.caKey;
    const originalKey = await lab.readFile(lab.fmc.name, caKeyPath);
    originalSet = await liveSet(lab);
    const { plan, journal, result } = await journaledRenewal(lab, fmc, 'r1.journal');
    expect(result.counts.renewed).toBe(4);
    const ca = Certificate.fromPem(await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate));
    expect(ca.fingerprintSha256).not.toBe(plan.fmc.ca.fingerprintSha256);
    const installedKey = await lab.readFile(lab.fmc.name, caKeyPath);
    expect(installedKey).not.toBe(originalKey);
    expect(keyMatchesCertificate(installedKey, ca)).toBe(true);
    expect((await stat(lab.path(lab.fmc.name, caKeyPath))).mode & 0o777).toBe(0o600);
    expect(await lab.readFile(lab.fmc.name, `${caKeyPath}.backup`)).toBe(originalKey);
    // The journal names what each backup holds and what was written, by sha256.
    const replaced = journal.fmcSwitch?.replaced ?? {};
    expect(Object.keys(replaced)).toContain(caKeyPath);
    expect(replaced[caKeyPath]?.backup).toBe(`${caKeyPath}.backup`);
    for (const device of lab.devices) expect(lab.tunnel(device.name).state).toBe('connected');
    // Inspection sees the key match the live CA again: the next renewal may run.
    expect((await inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout })).caKey.state).toBe('matches');
    firstSet = await liveSet(lab);
    first = { plan, journal };
  });

  it('keeps the vendor’s *.backup for the set a second renewal replaced and moves the older generation aside', async () => {
    const { lab, fmc } = fleet;
    nextSecond(lab);
    const { result } = await journaledRenewal(lab, fmc, 'r2.journal');
    expect(result.counts.renewed).toBe(4);
    const { caCertificate } = lab.layout.fmc;
    expect(await lab.readFile(lab.fmc.name, `${caCertificate}.backup`)).toBe(firstSet.get(`${lab.fmc.name}:${caCertificate}`));
    const device = lab.devices[0]!;
    const peerCa = ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate;
    expect(await lab.readFile(device.name, `${peerCa}.backup`)).toBe(firstSet.get(`${device.name}:${peerCa}`));
    const aside = (await readdir(lab.path(device.name, posix.dirname(peerCa)))).filter((name) => name.startsWith('cacert.pem.backup.'));
    expect(aside).toHaveLength(1);
  });

  it('refuses to roll back the first renewal while the second one’s files are live, changing nothing', async () => {
    const { lab, fmc } = fleet;
    const before = await liveSet(lab);
    const error = await rollbackRenewal(fmc, first.plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal: first.journal }).catch((e: unknown) => e);
    expect(isSftunnelCaError(error, 'ROLLBACK_STALE')).toBe(true);
    expect(changed(before, await liveSet(lab))).toEqual([]);
  });

  it('rolls the second renewal back to exactly the first one’s files (not the expired originals): every tunnel comes back', async () => {
    const { lab, fmc } = fleet;
    const { plan, journal } = await journaledRun(lab, fmc, 'r2.journal');
    const rollback = await rollbackRenewal(fmc, plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal });
    expect(rollback.counts['rolled-back']).toBe(4);
    expect(changed(firstSet, await liveSet(lab))).toEqual([]);
    for (const device of lab.devices) {
      await lab.restartTunnel(device.name);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
    // Run again, the rollback finds every file rolled back already and changes nothing.
    const again = await rollbackRenewal(fmc, plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal });
    expect(again.counts['rolled-back']).toBe(4);
    expect(again.devices.every((d) => d.alreadyDelivered)).toBe(true);
    expect(changed(firstSet, await liveSet(lab))).toEqual([]);
  });

  it('then rolls the first renewal back too, from the backups the second one moved aside: the originals, byte for byte', async () => {
    const { lab, fmc } = fleet;
    const rollback = await rollbackRenewal(fmc, first.plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal: first.journal, tunnelTimeoutMs: 2_000 });
    expect(rollback.devices.every((d) => d.step === 'tunnel' || d.outcome === 'rolled-back')).toBe(true);
    expect(changed(originalSet, await liveSet(lab))).toEqual([]);
  });
});

describe('renewal › coverage: no managed device stranded by the FMC’s switch', () => {
  const fleet = useLabFmc({ devices: 5, caState: 'expiring', caDays: 20, direct: true });
  let originalSet: Map<string, string>;

  it('refuses a run that would switch the FMC while managed devices get no new files, naming them, before any device is touched', async () => {
    const { lab, fmc } = fleet;
    const before = await liveSet(lab);
    originalSet = before;
    const error = await journaledRenewal(lab, fmc, 'partial.journal', { only: [lab.devices[0]!.name] }).catch((e: unknown) => e);
    expect(isSftunnelCaError(error, 'RENEWAL_COVERAGE_INCOMPLETE')).toBe(true);
    for (const device of lab.devices.slice(1)) expect((error as Error).message).toContain(device.name);
    expect(changed(before, await liveSet(lab))).toEqual([]);
  });

  it('leaves devices out on purpose: listed in FAILED_PUSH with their re-issued files, which a copy run then delivers', async () => {
    const { lab, fmc } = fleet;
    nextSecond(lab);
    const [kept, ...leftOut] = lab.devices;
    const { result } = await journaledRenewal(lab, fmc, 'leave-out.journal', { only: [kept!.name], leaveOut: leftOut.map((d) => d.name) });
    expect(result.fmcSwitched).toBe(true);
    expect(result.counts).toMatchObject({ renewed: 1, failed: 4 });
    expect(result.devices.filter((d) => d.outcome === 'failed').every((d) => d.cause === 'DEVICE_LEFT_OUT' && d.step === undefined)).toBe(true);
    const failedPush = parseFailedPush(await lab.readFile(lab.fmc.name, result.failedPushPath!), { fmcUuid: lab.fmc.uuid, layout: lab.layout });
    expect(failedPush.devices.map((d) => d.name).sort()).toEqual(leftOut.map((d) => d.name).sort());
    // Stranded until copied: their tunnel does not come back on the old CA.
    await lab.restartTunnel(leftOut[0]!.name);
    expect(lab.tunnel(leftOut[0]!.name).state).toBe('disconnected');

    // The copy run can repair them: the FMC's record of each was re-issued by the new CA.
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const stagingDirectory = posix.dirname(result.failedPushPath!);
    const copyPlan = planRenewal(inspection, { now, inventory: labInventory(lab), only: failedPush.devices.map((d) => d.uuid), stagingDirectory });
    const copy = await deliverRenewal(fmc, copyPlan, await loadPreparedRenewal(fmc, inspection, stagingDirectory), { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout });
    expect(copy.counts.renewed).toBe(4);
    for (const device of lab.devices) expect(lab.tunnel(device.name).state).toBe('connected');
  });

  it('refuses to roll back one device after the FMC switched unless forced: forced, it drops at its next restart', async () => {
    const { lab, fmc } = fleet;
    const { plan, journal } = await journaledRun(lab, fmc, 'leave-out.journal');
    const device = lab.devices[0]!;
    const before = await liveSet(lab);
    const options = { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal, only: [device.name] };
    const error = await rollbackRenewal(fmc, plan, options).catch((e: unknown) => e);
    expect(isSftunnelCaError(error, 'ROLLBACK_WOULD_STRAND')).toBe(true);
    expect((error as Error).message).toContain(device.name);
    expect(changed(before, await liveSet(lab))).toEqual([]);
    // Without a journal too: the device's backup CA is not the FMC's.
    const blind = await rollbackRenewal(fmc, plan, { ...options, journal: undefined });
    expect(blind.devices[0]).toMatchObject({ outcome: 'failed', cause: 'ROLLBACK_WOULD_STRAND' });
    expect(changed(before, await liveSet(lab))).toEqual([]);

    // Forced, it is rolled back (its running tunnel is left alone) and drops at its next restart.
    const forced = await rollbackRenewal(fmc, plan, { ...options, force: true });
    expect(forced.devices[0]?.outcome).toBe('rolled-back');
    await lab.restartTunnel(device.name);
    expect(lab.tunnel(device.name).state).toBe('disconnected');
    expect(await readFile(lab.path(device.name, ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate), 'utf8')).toBe(await lab.readFile(device.name, `${ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate}.backup`));
  });

  it('rolls the whole run back: the FMC’s record of every device it re-issued, and the devices a copy run gave its files since', async () => {
    const { lab, fmc } = fleet;
    const { plan, journal } = await journaledRun(lab, fmc, 'leave-out.journal');
    const rollback = await rollbackRenewal(fmc, plan, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal });
    expect(rollback.counts['rolled-back']).toBe(5);
    expect(changed(originalSet, await liveSet(lab))).toEqual([]);
    for (const device of lab.devices) {
      await lab.restartTunnel(device.name);
      expect(lab.tunnel(device.name).state).toBe('connected');
    }
  });
});

describe('renewal › a device registered after a renewal', () => {
  const fleet = useLabFmc({ devices: 2, caState: 'expiring', caDays: 20, direct: true });

  it('is signed by the new CA’s key the FMC holds (its tunnel comes up), and a rollback of the run that would strand it is refused', async () => {
    const { lab, fmc } = fleet;
    const { plan, journal } = await journaledRenewal(lab, fmc, 'before-registration.journal');
    const added = await lab.registerDevice({ name: 'FTD-NEW' });
    expect(lab.tunnel(added.name).state).toBe('connected');
    const before = await liveSet(lab);
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const current = planRenewal(inspection, { now, inventory: labInventory(lab), stagingDirectory: plan.stagingDirectory });
    const error = await rollbackRenewal(fmc, current, { connect: labConnect(lab), now: () => lab.clock.now(), layout: lab.layout, journal }).catch((e: unknown) => e);
    expect(isSftunnelCaError(error, 'ROLLBACK_WOULD_STRAND')).toBe(true);
    expect((error as Error).message).toContain('FTD-NEW');
    expect(changed(before, await liveSet(lab))).toEqual([]);
  });
});
