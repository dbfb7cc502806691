import type { RenewalGenerator } from '@sftunnel-ca/core';
import { parseBackdate } from './backdate.js';
import { CliUsageError } from './cli-usage-error.js';
import { parseDeviceNames } from './device-names.js';
import type { PlanFile, PlanFileOptions } from './plan-file.js';
import { parseWholeNumber } from './whole-number.js';

/** The options of `plan` and `renew` that a plan file records, as commander parses them. */
export interface PlanDecidingFlags {
  readonly canary?: string;
  readonly leaveOut?: readonly string[];
  readonly backdate?: string;
  readonly generator?: RenewalGenerator;
  readonly caKey?: string;
  readonly staging?: string;
  readonly allowUnreachable?: boolean;
}

/** The option names on the command line, by field. */
const OPTION_NAMES: Readonly<Record<keyof PlanFileOptions, string>> = {
  canary: '--canary',
  leaveOut: '--leave-out',
  backdate: '--backdate',
  generator: '--generator',
  caKey: '--ca-key',
  staging: '--staging',
  allowUnreachable: '--allow-unreachable',
};

/**
 * The plan file's options from a command line (checked as the commands check them).
 *
 * @param flags - the options of `plan` (or `renew`)
 */
export function planFileOptionsOf(flags: PlanDecidingFlags): PlanFileOptions {
  parseBackdate(flags.backdate); // refused here as the run would refuse it
  return {
    canary: parseWholeNumber(flags.canary, '--canary', 0) ?? 0,
    leaveOut: parseDeviceNames(flags.leaveOut),
    backdate: flags.backdate?.trim() ?? null,
    generator: flags.generator ?? null,
    caKey: flags.caKey ?? null,
    staging: flags.staging ?? null,
    allowUnreachable: flags.allowUnreachable === true,
  };
}

/**
 * `renew --plan`: the flags with the plan file's options in place of the command line's. An
 * option given on the command line (not by default) must say what the file says; one that says
 * otherwise is refused, naming both. One exception: `--staging` with a plan of a new renewal is
 * the resume of its interrupted run (the FMC not switched yet, the plan still the same).
 *
 * @param flags - renew's options
 * @param file - the plan file
 * @param givenOnCommandLine - whether an option (by commander's attribute name) was given, rather than defaulted
 * @throws CliUsageError (exit 2) for a contradiction
 */
export function flagsOfPlanFile<F extends PlanDecidingFlags>(flags: F, file: PlanFile, givenOnCommandLine: (attribute: keyof PlanFileOptions) => boolean): F {
  const given = planFileOptionsOf(flags);
  const recorded = file.options;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const equal: Record<keyof PlanFileOptions, boolean> = {
    canary: given.canary === recorded.canary,
    leaveOut: same([...given.leaveOut].sort(), [...recorded.leaveOut].sort()),
    backdate: recorded.backdate !== null && parseBackdate(given.backdate ?? undefined) === parseBackdate(recorded.backdate),
    generator: given.generator === recorded.generator,
    caKey: given.caKey === recorded.caKey,
    // A plan of a new renewal resumed: --staging (and --journal) of the interrupted run, as its resume command says.
    staging: recorded.staging === null || given.staging === recorded.staging,
    allowUnreachable: given.allowUnreachable === recorded.allowUnreachable,
  };
  const contradictions = (Object.keys(OPTION_NAMES) as (keyof PlanFileOptions)[])
    .filter((attribute) => givenOnCommandLine(attribute) && !equal[attribute])
    .map((attribute) => `${OPTION_NAMES[attribute]} ${shown(given[attribute])} (the plan file says ${shown(recorded[attribute])})`);
  if (contradictions.length > 0) {
    throw new CliUsageError(`--plan: the command line contradicts the plan file: ${contradictions.join('; ')}. Leave those options out (the plan's apply), or make a new plan with them and have it approved`);
  }
  return {
    ...flags,
    canary: String(recorded.canary),
    leaveOut: recorded.leaveOut,
    backdate: recorded.backdate ?? undefined,
    generator: recorded.generator ?? undefined,
    caKey: recorded.caKey ?? undefined,
    staging: recorded.staging ?? flags.staging,
    allowUnreachable: recorded.allowUnreachable,
  };
}

function shown(value: unknown): string {
  if (value === null) return 'not given';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return String(value);
}
