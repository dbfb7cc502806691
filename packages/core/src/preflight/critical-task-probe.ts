import type { FmcPreflightProbe } from './preflight-probe.js';

/** The question generate_certs.pl asks first, once it has found no critical task under way. */
const FIRST_QUESTION = 'Do you want to continue?';
const NOT_FOUND_STATUS = 127;

/**
 * `critical-task`: whether a task under way on the FMC (smart licensing registration,
 * backup/restore, rule or VDB update, domain task, HA task, upgrade) forbids a renewal now. The list
 * of such tasks and how the FMC tracks them are not public, so the probe asks the vendor's own
 * check: it runs `generate_certs.pl` and answers `no` to its first question. The script refuses
 * before asking when a critical task is under way (`fail`, with the script's own words); when it
 * asks, there is none (`pass`) and the `no` makes it stop without changing anything. Without the
 * script (an FMC without the fixed hotfix) the probe cannot tell (`warn`).
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [criticalTaskProbe()] });
 * ```
 */
export function criticalTaskProbe(): FmcPreflightProbe {
  return {
    name: 'critical-task',
    scope: 'fmc',
    async run({ fmc, signal }) {
      const result = await fmc.run('generate_certs.pl', { stdin: 'no\n', signal });
      const said = `${result.stdout}\n${result.stderr}`;
      if (said.includes(FIRST_QUESTION)) return { verdict: 'pass', message: 'generate_certs.pl finds no critical task under way (it was answered no: nothing changed)' };
      if (result.code === NOT_FOUND_STATUS || /command not found/i.test(said)) {
        return {
          verdict: 'warn',
          message: 'generate_certs.pl is not installed on the FMC, so whether a critical task is under way cannot be asked',
          remedy: 'check in the FMC’s task status that no smart licensing registration, backup/restore, rule or VDB update, domain task, HA task or upgrade is running before renewing',
        };
      }
      const refusal = said
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('setting log file'))
        .join(' ');
      return {
        verdict: 'fail',
        message: `generate_certs.pl refuses to run now (exit ${result.code}): ${refusal.slice(0, 300)}`,
        remedy: 'wait until the critical task (smart licensing registration, backup/restore, rule or VDB update, domain task, HA task, upgrade) has completed, then run the preflight again',
      };
    },
  };
}
