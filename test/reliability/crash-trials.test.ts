/**
 * Crash trials: a renewal of a 30-device lab is killed with SIGKILL at a random moment (after a
 * random number of its events, from the first key generated to the last tunnel), then resumed from
 * its journal. After each: the resumed run completes, every device delivered before the kill still
 * holds the key staged by the first run (none gets a new key), and every device holds the new set
 * with its tunnel up. 3 trials in the normal suite, 50 with `SOAK=1` (`pnpm test:soak`); each
 * trial renews the lab again (a new CA each time).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { JournalEntry, PreparedRenewal, RenewalResult } from '@sftunnel-ca/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLabFmc } from '../renewal/lab-fleet.js';
import { heldSet, stagedSet } from './device-sets.js';
import { renewProcessEnvironment, runRenewProcess } from './renew-process.js';

const DEVICES = 30;
const TRIALS = process.env['SOAK'] === '1' ? 50 : 3;
/**
 * The kill falls after 1 to this many events: a whole run of 30 devices emits about 186 (staging and
 * delivery in batched commands), so every trial is killed, from its first key to its last tunnels.
 */
const EVENTS_OF_A_RUN = 180;
/** The seed of the kill moments: `CRASH_TRIALS_SEED` to replay a run, else a new one each run; it is in the suite's title. */
const SEED = Number.parseInt(process.env['CRASH_TRIALS_SEED'] ?? '', 10) || Date.now() % 2 ** 31;
const KILL_AFTER = fc.sample(fc.integer({ min: 1, max: EVENTS_OF_A_RUN }), { seed: SEED, numRuns: TRIALS });

async function journalEntries(path: string): Promise<JournalEntry[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JournalEntry);
}

describe(`reliability › crash trials: ${TRIALS} renewals of ${DEVICES} devices killed (SIGKILL) at a random moment and resumed (CRASH_TRIALS_SEED=${SEED})`, () => {
  const fleet = useLabFmc({ devices: DEVICES, caState: 'expiring', direct: true });
  let dir: string | undefined;
  const outcomes: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crash-trials-'));
  });
  afterAll(async () => {
    console.log(`crash trials: ${outcomes.length} of ${TRIALS} passed\n${outcomes.join('\n')}`);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it.each(KILL_AFTER.map((killAfter, i) => ({ trial: i + 1, killAfter })))(
    'trial $trial, killed after $killAfter events: resumes to the new set everywhere, no delivered device re-keyed',
    async ({ trial, killAfter }) => {
      const { lab } = fleet;
      const journal = join(dir ?? '', `trial-${trial}.journal`);
      const env = renewProcessEnvironment(lab, journal);
      const first = await runRenewProcess(env, killAfter);
      expect(first.killed, 'the run finished before the kill: not a crash trial').toBe(true);
      const atKill = await journalEntries(journal);
      const start = atKill.find((e) => e.type === 'start');
      const deliveredBeforeKill = new Set(atKill.flatMap((e) => (e.type === 'delivered' ? [e.uuid] : [])));
      const heldAtKill = new Map(await Promise.all(lab.devices.filter((d) => deliveredBeforeKill.has(d.uuid)).map(async (d) => [d.uuid, await heldSet(lab, d.name)] as const)));

      const second = await runRenewProcess(env);
      const result = (JSON.parse(second.lines.at(-1) ?? '{}') as { result: RenewalResult }).result;
      expect(result.devices.filter((d) => d.outcome !== 'renewed').map((d) => `${d.name} ${d.outcome} ${d.cause ?? ''} ${d.message ?? ''}`)).toEqual([]);
      const resumedStart = (await journalEntries(journal)).find((e) => e.type === 'start');
      if (deliveredBeforeKill.size > 0) expect(resumedStart?.stagingDirectory).toBe(start?.stagingDirectory); // resumed, not started again
      const manifest = JSON.parse(await lab.readFile(lab.fmc.name, posix.join(resumedStart?.stagingDirectory ?? '', 'manifest.json'))) as PreparedRenewal;
      for (const device of lab.devices) {
        const held = await heldSet(lab, device.name);
        expect(held, device.name).toEqual(stagedSet(manifest, device.uuid));
        // Delivered before the kill: the very files it got then, no new key.
        if (heldAtKill.has(device.uuid)) expect(held, `${device.name} was re-keyed`).toEqual(heldAtKill.get(device.uuid));
        expect(lab.tunnel(device.name).state, device.name).toBe('connected');
      }
      outcomes.push(`trial ${trial}: killed ${first.killed ? `after ${first.lines.length} events` : 'never (finished first)'}, ${deliveredBeforeKill.size} delivered before the kill`);
    },
  );
});
