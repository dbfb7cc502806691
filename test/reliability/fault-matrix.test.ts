/**
 * The fault matrix: each of the lab's nine faults striking at each of four phases of a device's
 * renewal, one device per cell, all in one journaled renewal (root logins; `admin` and `expert`
 * for the devices that refuse expert). A fault armed at a
 * phase stays in force from then on:
 *
 * - connect: in force from the start (drop: the connection is cut at its first bytes);
 * - backup: strikes as the device is about to write the first backup (`<file>.backup…`); a
 *   dropped connection is cut at the next bytes the device receives, after that command;
 * - write: strikes once the first live file has been replaced (two to go);
 * - restart: strikes on the device's next SSH connection, the one that restarts its sftunnel
 *   (every device here needs its own `pmtool restartbyid sftunnel`: its tunnel does not come back
 *   with the FMC's restart).
 *
 * Faults that act at login (wrong credentials, host key changed, expert refused) and `pmtool`
 * failing, armed at backup or write, meet the device at that restart session: the fault appears
 * on the reconnect. A full disk or a slow device at the restart phase is harmless (nothing is
 * written then). In every cell the device holds its whole old set or its whole new set (sha256 of
 * the three files), its record has the cause of the fault, and once the fault is cleared a
 * resumed run completes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ftdPeerFiles, type DeviceResult, type PreparedRenewal, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import type { ApplianceFaults, FaultTrigger, Lab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneOfEachFault } from '../../packages/lab/src/testing/one-of-each-fault.js';
import { connectAppliance, useLabFmc } from '../renewal/lab-fleet.js';
import { heldSet, stagedSet, whichSet } from './device-sets.js';
import { renewResumable } from './resumable-renewal.js';

type Phase = 'connect' | 'backup' | 'write' | 'restart';
const PHASES: readonly Phase[] = ['connect', 'backup', 'write', 'restart'];
/** The nine faults; a dropped connection is cut at the first bytes after the fault strikes. */
const FAULTS: Readonly<Record<string, Omit<ApplianceFaults, 'armed'>>> = { ...oneOfEachFault(20), drop: { dropAfterBytes: 0 } };
/** Every device needs its own restart, so that every device has a restart phase. */
const NEEDS_RESTART: ApplianceFaults = { reconnectsOnlyWhenRestarted: true };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function trigger(phase: Exclude<Phase, 'connect'>, livePaths: readonly string[]): FaultTrigger {
  if (phase === 'restart') return { event: 'connection', skip: 1 };
  if (phase === 'backup') return { event: 'write', path: new RegExp(`^(${livePaths.map(escapeRegExp).join('|')})\\.backup`), timing: 'before' };
  return { event: 'write', path: new RegExp(`^(${livePaths.map(escapeRegExp).join('|')})$`), timing: 'after' };
}

/**
 * The cause each cell's record must have (`undefined`: renewed). `DEVICE_RESTORE_FAILED`: the
 * connection was lost once the renames over the live files may have begun, and the fault, still
 * in force, kept the fresh connection that would check or put back the old set from reaching the
 * device (the device holds a whole set all the same; the rerun settles it). Renames need no space,
 * so a disk filling after the first one is harmless, as is one filling at the restart.
 */
const EXPECTED: Readonly<Record<string, Readonly<Record<Phase, SftunnelCaErrorCode | undefined>>>> = {
  unreachable: { connect: 'CONNECT_REFUSED', backup: 'CONNECTION_LOST', write: 'DEVICE_RESTORE_FAILED', restart: 'CONNECTION_LOST' },
  silent: { connect: 'CONNECT_TIMEOUT', backup: 'DEVICE_DEADLINE_EXCEEDED', write: 'DEVICE_DEADLINE_EXCEEDED', restart: 'CONNECT_TIMEOUT' },
  'wrong-credentials': { connect: 'AUTH_FAILED', backup: 'AUTH_FAILED', write: 'AUTH_FAILED', restart: 'AUTH_FAILED' },
  'host-key-changed': { connect: 'HOST_KEY_MISMATCH', backup: 'HOST_KEY_MISMATCH', write: 'HOST_KEY_MISMATCH', restart: 'HOST_KEY_MISMATCH' },
  'disk-full': { connect: 'DISK_FULL', backup: 'DISK_FULL', write: undefined, restart: undefined },
  drop: { connect: 'CONNECTION_LOST', backup: 'DEVICE_RESTORE_FAILED', write: 'DEVICE_RESTORE_FAILED', restart: 'CONNECTION_LOST' },
  'pmtool-fails': { connect: 'RESTART_FAILED', backup: 'RESTART_FAILED', write: 'RESTART_FAILED', restart: 'RESTART_FAILED' },
  slow: { connect: undefined, backup: undefined, write: undefined, restart: undefined },
  'no-expert': { connect: 'ESCALATION_FAILED', backup: 'ESCALATION_FAILED', write: 'ESCALATION_FAILED', restart: 'ESCALATION_FAILED' },
};

/** The devices reached as the `admin` user through `expert` (where the refusal of expert can strike); the others log in as root (faster). */
const usesExpert = (device: string): boolean => device.startsWith('no-expert-');

const CELLS = Object.keys(FAULTS).flatMap((fault) => PHASES.map((phase) => ({ fault, phase, device: `${fault}-${phase}` })));

describe('reliability › fault matrix: 9 faults × 4 phases, one device per cell, one renewal', () => {
  const fleet = useLabFmc({ devices: CELLS.map((c) => ({ name: c.device })), caState: 'expiring', direct: ['FMCpri', ...CELLS.filter((c) => !usesExpert(c.device)).map((c) => c.device)] }, async (lab) => {
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const live = [peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey];
    for (const cell of CELLS) {
      const faults = FAULTS[cell.fault] ?? {};
      await lab.setFaults(cell.device, cell.phase === 'connect' ? { ...NEEDS_RESTART, ...faults } : { ...NEEDS_RESTART, armed: { when: trigger(cell.phase, live), faults } });
    }
  });
  let dir: string | undefined;
  let journal = '';
  const old = new Map<string, string[]>();
  let prepared: PreparedRenewal;
  let first: ReadonlyMap<string, DeviceResult>;
  const renew = (lab: Lab) =>
    renewResumable(lab, fleet.fmc, journal, {
      deliver: {
        // The vendor's 20 s to connect: 36 devices at once on a loaded machine must not turn a slow accept into CONNECT_TIMEOUT.
        connect: (device, signal) => connectAppliance(lab.appliance(device.name), usesExpert(device.name) ? 'expert' : 'direct', { signal, connectTimeoutMs: 20_000 }),
        concurrency: CELLS.length,
        deviceTimeoutMs: 60_000,
        tunnelTimeoutMs: 15_000,
      },
    });

  beforeAll(async () => {
    const { lab } = fleet;
    dir = await mkdtemp(join(tmpdir(), 'fault-matrix-'));
    journal = join(dir, 'renewal.journal');
    for (const cell of CELLS) old.set(cell.device, await heldSet(lab, cell.device));
    const run = await renew(lab);
    prepared = run.prepared;
    first = new Map(run.result.devices.map((d) => [d.name, d]));
    console.log(`fault matrix, first run: ${run.result.devices.map((d) => `${d.name}=${d.outcome}/${d.cause ?? '-'}@${d.step ?? '-'}`).join(' ')}`);
  }, 300_000);
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('while the fault strikes', () => {
    it.each(CELLS)('$fault at $phase: a whole set (old or new), cause as expected', async ({ fault, phase, device }) => {
      const { lab } = fleet;
      const record = first.get(device);
      const held = whichSet(await heldSet(lab, device), old.get(device) ?? [], stagedSet(prepared, record?.uuid ?? ''));
      expect({ held: held === 'mixed' ? 'mixed' : 'whole', cause: record?.cause }).toEqual({ held: 'whole', cause: EXPECTED[fault]?.[phase] });
    });
  });

  describe('once the fault is cleared, a resumed run completes every cell', () => {
    let second: ReadonlyMap<string, DeviceResult>;
    beforeAll(async () => {
      const { lab } = fleet;
      for (const cell of CELLS) await lab.setFaults(cell.device, NEEDS_RESTART);
      const run = await renew(lab);
      second = new Map(run.result.devices.map((d) => [d.name, d]));
    }, 300_000);

    it.each(CELLS)('$fault at $phase: renewed, the new set, tunnel up', async ({ device }) => {
      const { lab } = fleet;
      const record = second.get(device);
      expect(record?.outcome).toBe('renewed');
      expect(whichSet(await heldSet(lab, device), old.get(device) ?? [], stagedSet(prepared, record?.uuid ?? ''))).toBe('new');
      expect(lab.tunnel(device).state).toBe('connected');
    });
  });
});
