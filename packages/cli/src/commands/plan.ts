import { formatRenewalPlan, inspectFmc, planRenewal } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { matchDevicesToFmc, readDevicesFile } from '../devices-file.js';
import { writeJson, writeText } from '../output.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';

/** The `schema` of `plan --json` documents. */
export const PLAN_SCHEMA_ID = 'sftunnel-ca/plan/v1';

/** The options of `plan`. */
interface PlanFlags extends SshFlags {
  readonly fmc: string;
  readonly devices?: string;
  readonly canary?: string;
  readonly json?: boolean;
}

/** `sftunnel-ca plan`: the dry run of a renewal; reads the FMC, changes nothing. */
export function planCommand(io: CliIo): Command {
  const command = new Command('plan')
    .summary('show what a renewal would do (a dry run: nothing is changed)')
    .description(
      'Inspect the FMC over SSH and print the renewal plan: the InternalCA being replaced, what is generated, where it is staged, ' +
        'and for each device the three files written (backups kept) and the restart. Reads only; nothing is changed. ' +
        'With --devices, only the devices the devices.csv lists (matched by name or address), as renew --devices would.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC to plan for, over SSH').makeOptionMandatory())
    .addOption(new Option('--devices <devices.csv>', 'only the devices this devices.csv lists'))
    .addOption(new Option('--canary <n>', 'how many devices go first as canaries').default('0'))
    .addOption(new Option('--json', `print one JSON document (schema ${PLAN_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca plan --fmc admin@fmc.example.net --password-file ~/.fmc-password\n' +
        '  $ sftunnel-ca plan --fmc admin@fmc.example.net --devices devices.csv --canary 2 --json\n',
    )
    .action(async (flags: PlanFlags) => {
      const canary = parseWholeNumber(flags.canary, '--canary', 0) ?? 0;
      const devicesFile = flags.devices === undefined ? undefined : await readDevicesFile(flags.devices);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now });
        const only = devicesFile === undefined ? undefined : [...matchDevicesToFmc(devicesFile, inspection).keys()];
        const plan = planRenewal(inspection, { now, canary, ...(only === undefined ? {} : { only }) });
        if (flags.json === true) writeJson(io, PLAN_SCHEMA_ID, { fmc: flags.fmc, plan });
        else writeText(io, formatRenewalPlan(plan));
      } finally {
        await fmc.close();
      }
    });
  return addSshOptions(command);
}
