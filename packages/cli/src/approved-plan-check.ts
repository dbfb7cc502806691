import { SftunnelCaError } from '@sftunnel-ca/core';
import type { CliIo } from './cli-io.js';
import { writeJson } from './output.js';
import { formatPlanDifferences, planDifferences, tunnelChanges } from './plan-diff.js';
import { PLAN_MISMATCH_SCHEMA_ID, type ApprovedPlan, type PlanFile } from './plan-file.js';
import { terminalSafe } from './terminal-text.js';

/**
 * `renew --plan`: refuses, before any change, a run whose FMC no longer matches the approved plan
 * file, saying each difference (in words on stderr; as a {@link PLAN_MISMATCH_SCHEMA_ID} document
 * on stdout with `--json`). Tunnels seen otherwise than in the plan are only noted: the run
 * restarts what is down.
 *
 * @param io - where the notes and the document go
 * @param json - `--json`
 * @param approved - the plan file, as read
 * @param now - the plan file of the FMC now, with the approved file's options
 * @throws SftunnelCaError `PLAN_MISMATCH` (exit 2) naming every difference
 */
export function assertApprovedPlan(io: CliIo, json: boolean, approved: ApprovedPlan, now: PlanFile): void {
  for (const tunnel of tunnelChanges(approved.file, now)) {
    io.stderr.write(terminalSafe(`sftunnel-ca: note: the tunnel of ${tunnel.name} was ${tunnel.planned} in the plan, ${tunnel.now} now (the run restarts tunnels that are down)\n`));
  }
  const differences = planDifferences(approved.file, now);
  if (differences.length === 0) return;
  if (json) writeJson(io, PLAN_MISMATCH_SCHEMA_ID, { plan: approved.path, sha256: approved.sha256, differences });
  throw new SftunnelCaError(
    'PLAN_MISMATCH',
    `the FMC no longer matches the plan ${approved.path} (${differences.length} difference${differences.length === 1 ? '' : 's'}); nothing was changed:\n${formatPlanDifferences(differences)}`,
  );
}
