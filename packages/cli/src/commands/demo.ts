import type { RenewalPlan } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { DemoEvent, DemoOutcome } from '../demo-run.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { loadLab } from '../optional-packages.js';
import { writeJson, writeText } from '../output.js';
import { renewalProgressLine } from '../renewal-progress.js';
import { parseWholeNumber } from '../whole-number.js';

/** The `schema` of `demo --json` documents. */
export const DEMO_SCHEMA_ID = 'sftunnel-ca/demo/v1';

/** The options of `demo`. */
interface DemoFlags {
  readonly devices: string;
  readonly down: string;
  readonly concurrency?: string;
  readonly json?: boolean;
}

/** `sftunnel-ca demo`: the whole renewal, end to end, against a lab that it starts and stops. */
export function demoCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  return new Command('demo')
    .summary('renew an expired InternalCA end to end on a simulated fleet, then stop it')
    .description(
      'Start a lab (an FMC and FTDs on loopback, real SSH and TLS) whose InternalCA has expired with some tunnels down, then ' +
        'check → plan → renew (prepare and deliver through each device’s CLI → expert → sudo shell, host keys pinned) → verify ' +
        'every tunnel is up on the new CA, show the outcome and stop the lab. Progress goes to stderr. Exit 0 when every tunnel is up; ' +
        'Ctrl-C stops the demo, its lab and removes its files (exit 4).',
    )
    .addOption(new Option('--devices <n>', 'how many FTDs').default('20'))
    .addOption(new Option('--down <n>', 'how many tunnels are down at start').default('5'))
    .addOption(new Option('--concurrency <n>', 'devices renewed at once (default 16)'))
    .addOption(new Option('--json', `print one JSON document (schema ${DEMO_SCHEMA_ID})`))
    .addHelpText('after', '\nExamples:\n  $ sftunnel-ca demo\n  $ sftunnel-ca demo --devices 50 --down 10 --json\n')
    .action(async (flags: DemoFlags) => {
      await loadLab('demo'); // the simulator is an optional peer dependency: refused with the install command when absent
      const devices = parseWholeNumber(flags.devices, '--devices', 1) ?? 20;
      const down = parseWholeNumber(flags.down, '--down', 0) ?? 0;
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      if (down > devices) throw new CliUsageError(`--down ${down} is more than --devices ${devices}`);
      const [{ isSftunnelCaError }, { runDemo }, { FleetInterruption }] = await Promise.all([import('@sftunnel-ca/core'), import('../demo-run.js'), import('../fleet-interruption.js')]);
      const interruption = new FleetInterruption(io);
      let outcome: DemoOutcome;
      try {
        outcome = await runDemo({ devices, down, interruption, ...(concurrency === undefined ? {} : { concurrency }), onEvent: (event) => reportProgress(io, event) });
      } catch (error) {
        if (!isSftunnelCaError(error, 'RUN_INTERRUPTED')) throw error;
        io.stderr.write('sftunnel-ca: RUN_INTERRUPTED: the demo was interrupted; its lab is stopped and its files removed.\n');
        setExitCode(EXIT_CODES.INTERRUPTED);
        return;
      } finally {
        interruption.dispose();
      }
      if (flags.json === true) writeJson(io, DEMO_SCHEMA_ID, { ...outcome, failedPushPath: outcome.failedPushPath ?? null });
      else writeText(io, formatOutcome(outcome));
      setExitCode(outcome.verified === outcome.devices.length ? EXIT_CODES.OK : EXIT_CODES.FAILED);
    });
}

/** One plain line on stderr per stage and per device done. */
function reportProgress(io: CliIo, event: DemoEvent): void {
  const line = progressLine(event);
  if (line !== undefined) io.stderr.write(`${line}\n`);
}

function progressLine(event: DemoEvent): string | undefined {
  switch (event.type) {
    case 'lab:up':
      return `lab: FMC ${event.fmc} with ${event.devices} FTDs is up`;
    case 'check':
      return `check: ${event.verdict.message.split('\n')[0] ?? ''} ${event.tunnelsUp} of ${event.tunnels} tunnels up.`;
    case 'plan':
      return planSummary(event.plan);
    case 'verify':
      return `verify: ${event.verified} of ${event.devices} tunnels up on the new CA`;
    case 'lab:down':
      return 'lab: stopped';
    case 'renewal':
      return renewalProgressLine(event.event);
  }
}

/** The plan in one line; `sftunnel-ca plan` prints it in full. */
function planSummary(plan: RenewalPlan): string {
  const { caKeySize, deviceKeys } = plan.generate;
  return `plan: new InternalCA (RSA ${caKeySize}), FMC certificate and ${deviceKeys} device certificates, staged in ${plan.stagingDirectory}; 3 files per device, backups kept`;
}

function formatOutcome(outcome: DemoOutcome): string {
  const rows = outcome.devices.map(
    (d) => `${d.name.padEnd(10)} ${d.address.padEnd(15)} ${d.tunnelBefore.padEnd(8)} → ${d.tunnelAfter.padEnd(8)} ${d.outcome.padEnd(11)} ${d.newCa ? 'yes' : 'no'}`,
  );
  const wasDown = outcome.devices.filter((d) => d.tunnelBefore !== 'up').length;
  return [
    `${'DEVICE'.padEnd(10)} ${'ADDRESS'.padEnd(15)} ${'TUNNEL'.padEnd(19)} ${'OUTCOME'.padEnd(11)} NEW CA`,
    ...rows,
    '',
    `${outcome.verified} of ${outcome.devices.length} tunnels up on the new CA (${wasDown} were down before); ${(outcome.durationMs / 1000).toFixed(1)}s`,
    `InternalCA ${outcome.ca.oldFingerprintSha256.slice(0, 16)}… → ${outcome.ca.newFingerprintSha256.slice(0, 16)}…, valid until ${outcome.ca.newNotAfter}`,
    ...(outcome.failedPushPath === undefined ? [] : [`FAILED_PUSH: ${outcome.failedPushPath}`]),
  ].join('\n');
}
