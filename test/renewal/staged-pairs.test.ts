/**
 * Staged pairs are written together (issue 22): a device's staged certificate and key go to the
 * FMC in the same command, so a preparation cut off between two commands leaves both or neither;
 * and a resumed preparation treats a lone half, or halves of two attempts, as absent and stages
 * a new pair. Real lab FMC over SSH; the cut is a real closed connection before a seeded write.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { Certificate, inspectFmc, keyMatchesCertificate, planRenewal, prepareRenewal, type RenewalPlan } from '@sftunnel-ca/core';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import type { SshHost } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAppliance, labInventory } from './lab-fleet.js';

const SEED = Number(process.env.STAGED_PAIRS_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface PairState {
  readonly certificate: string | undefined;
  readonly key: string | undefined;
}

async function stagedPair(lab: Lab, plan: RenewalPlan, uuid: string): Promise<PairState> {
  const read = (name: string) => readFile(lab.path(lab.fmc.name, posix.join(plan.stagingDirectory, 'peers', uuid, name)), 'utf8').catch(() => undefined);
  return { certificate: await read('sftunnel-cert.pem'), key: await read('sftunnel-key.pem') };
}

describe(`renewal › staged pairs are written together (seed ${SEED}; replay with STAGED_PAIRS_SEED=${SEED})`, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 12, caState: 'expiring', direct: true });
  }, 180_000);
  afterAll(async () => {
    await lab?.stop();
  }, 60_000);

  it('a preparation cut off before a seeded write command leaves every pair whole or absent; the resumed one stages matching pairs for all', async () => {
    const random = seeded(SEED);
    const fmc = await connectAppliance(lab.fmc, 'direct');
    const now = lab.clock.now();
    const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
    const plan = planRenewal(inspection, { now, inventory: labInventory(lab) });
    // Cut the connection just before the first write command (a batch script) after a seeded number of device pairs were
    // written (their batch finished: one still running when the cut comes is cut off too): a kill between two commands.
    const cutAfter = 3 + Math.floor(random() * 5);
    let pairsWritten = 0;
    let cut = false;
    const run = fmc.run.bind(fmc);
    Object.assign(fmc, {
      run: async (...args: Parameters<SshHost['run']>) => {
        if (!args[0].includes('.sftunnel-ca.batch.sh')) return run(...args);
        if (pairsWritten >= cutAfter && !cut) {
          cut = true;
          await fmc.close();
        }
        const result = await run(...args);
        // A batch names each certificate it writes more than once (written, then moved into place): count devices.
        pairsWritten += new Set(String(args[1]?.stdin ?? '').match(/\/peers\/[^/]+\/sftunnel-cert\.pem/g)).size;
        return result;
      },
    });
    await expect(prepareRenewal(fmc, inspection, plan, { now, keyConcurrency: 4 }), `seed ${SEED}`).rejects.toThrow();
    expect(cut, `seed ${SEED}: the cut came`).toBe(true);
    const states = await Promise.all(plan.devices.map(async (d) => [d.uuid, await stagedPair(lab, plan, d.uuid)] as const));
    for (const [uuid, state] of states) expect([uuid, state.certificate === undefined, state.key === undefined], `seed ${SEED}`).toEqual([uuid, state.key === undefined, state.certificate === undefined]);

    // Halves of two attempts: a whole pair found after the cut gets another device's key; a lone certificate is made by removing a key.
    const whole = states.filter(([, s]) => s.certificate !== undefined);
    const keyPath = (uuid: string) => lab.path(lab.fmc.name, posix.join(plan.stagingDirectory, 'peers', uuid, 'sftunnel-key.pem'));
    expect(whole.length, `seed ${SEED}: pairs staged before the cut`).toBeGreaterThanOrEqual(3);
    const lone = whole[0]?.[0] ?? '';
    const mixed = whole[1]?.[0] ?? '';
    await writeFile(keyPath(mixed), whole[0]?.[1].key ?? '', { mode: 0o600 });
    await rm(keyPath(lone));
    const kept = new Map(whole.slice(2).map(([uuid, s]) => [uuid, s.certificate] as const));

    const again = await connectAppliance(lab.fmc, 'direct');
    try {
      const resumed = await prepareRenewal(again, inspection, plan, { now, keyConcurrency: 4 });
      expect(resumed.devices.map((d) => d.uuid).sort()).toEqual(plan.devices.map((d) => d.uuid).sort());
      for (const device of plan.devices) {
        const state = await stagedPair(lab, plan, device.uuid);
        expect(state.certificate !== undefined && state.key !== undefined, `seed ${SEED}: ${device.uuid} staged`).toBe(true);
        expect(keyMatchesCertificate(state.key ?? '', Certificate.fromPem(state.certificate ?? '')), `seed ${SEED}: ${device.uuid}'s key is its certificate's`).toBe(true);
        // Whole pairs of the cut run are reused; the mixed and the lone one are made again.
        if (kept.has(device.uuid)) expect(state.certificate, `seed ${SEED}: ${device.uuid} reused`).toBe(kept.get(device.uuid));
        if (device.uuid === mixed || device.uuid === lone) expect(state.certificate, `seed ${SEED}: ${device.uuid} made again`).not.toBe(whole.find(([u]) => u === device.uuid)?.[1].certificate);
      }
    } finally {
      await again.close();
    }
  });
});
