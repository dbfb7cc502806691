import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { DEFAULT_APPLIANCE_LAYOUT, type ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import type { RenewalPlan } from './plan.js';
import { stagedFmcFiles } from './staging-layout.js';

/**
 * Refuses a plan that would strand devices: every device the FMC manages must be delivered to or
 * left out on purpose before the FMC switches to the new InternalCA. A device with neither keeps
 * the old CA while the FMC holds the new one, drops at its next reconnect, and cannot be repaired
 * by a copy run (the FMC's record of it was never re-issued).
 *
 * Call it before anything changes when the run will switch the FMC (a fresh renewal, or a resumed
 * one whose FMC has not switched yet); a copy run after the switch may cover a subset.
 *
 * @param plan - from {@link planRenewal}
 * @throws SftunnelCaError `RENEWAL_COVERAGE_INCOMPLETE`, naming each device not covered
 *
 * @example
 * ```ts
 * const plan = planRenewal(inspection, { now, only: ['FTD-1'], leaveOut: ['FTD-2'] });
 * assertPlanCoverage(plan); // throws while another managed device is neither planned nor left out
 * ```
 */
export function assertPlanCoverage(plan: RenewalPlan): void {
  if (plan.uncovered.length === 0) return;
  const names = plan.uncovered.map((d) => (d.name === undefined ? d.uuid : `${d.name} (${d.uuid})`));
  throw new SftunnelCaError(
    'RENEWAL_COVERAGE_INCOMPLETE',
    `${plan.fmc.host} manages ${plan.uncovered.length} device(s) this run gives no new files, though it switches the FMC to the new InternalCA: ${names.join(', ')}; they would drop at their next reconnect. Nothing was changed`,
    { host: plan.fmc.host, step: 'plan' },
  );
}

/**
 * Whether delivering a plan would switch the FMC: true unless the InternalCA staged in the plan's
 * staging directory is already the FMC's live one (a copy run, or a run resumed after its switch).
 * Changes nothing.
 *
 * @param fmc - the FMC, as root
 * @param plan - from {@link planRenewal}
 * @param layout - appliance paths; default the plan's FMC paths under the vendor's staging layout
 *
 * @example
 * ```ts
 * if (await fmcSwitchPending(fmc, plan)) assertPlanCoverage(plan);
 * ```
 */
export async function fmcSwitchPending(fmc: Host, plan: RenewalPlan, layout: ApplianceLayout = DEFAULT_APPLIANCE_LAYOUT): Promise<boolean> {
  const staged = stagedFmcFiles(plan.stagingDirectory, layout).caCertificate;
  if (!(await fmc.exists(staged))) return true;
  const pem = new TextDecoder().decode(await fmc.readFile(staged));
  return Certificate.fromPem(pem, staged).fingerprintSha256 !== plan.fmc.ca.fingerprintSha256;
}
