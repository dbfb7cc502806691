import type { Host } from '@sftunnel-ca/core';
import { readFmcTunnels } from './fmc-tunnels.js';
import { buildPlanFile, type BuildPlanFileParams, type PlanFile } from './plan-file.js';

/**
 * The plan file of an FMC as it is now: its inspection and plan, with each device's tunnel as the
 * FMC's `sftunnel_status.pl` shows it (one command; changes nothing). `plan --out` writes it;
 * `renew --plan` compares it with the approved one.
 *
 * @param fmc - the FMC, as root
 * @param params - the inspection, the plan, the generator and the options
 */
export async function fmcPlanFile(fmc: Host, params: Omit<BuildPlanFileParams, 'tunnels'>): Promise<PlanFile> {
  const tunnels = new Map((await readFmcTunnels(fmc)).map((peer) => [peer.address, peer.state]));
  return buildPlanFile({ ...params, tunnels });
}
