import {
  RenewalJournal,
  deliverRenewal,
  expiryVerdict,
  formatRenewalPlan,
  inspectFmc,
  loadPreparedRenewal,
  planRenewal,
  prepareRenewal,
  type RenewalResult,
} from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { devicesCsvConnect } from '../device-connect.js';
import { matchDevicesToFmc, readDevicesFile } from '../devices-file.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseMaxFailures } from '../max-failures.js';
import { writeJson, writeText } from '../output.js';
import { renewalProgressReporter } from '../renewal-progress.js';
import { confirmRenewal } from '../renewal-confirmation.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';

/** The `schema` of `renew --json` documents. */
export const RENEW_SCHEMA_ID = 'sftunnel-ca/renew/v1';

/** The options of `renew`. */
interface RenewFlags extends SshFlags {
  readonly fmc: string;
  readonly devices: string;
  readonly yes?: boolean;
  readonly concurrency?: string;
  readonly canary?: string;
  readonly maxFailures?: string;
  readonly journal?: string;
  readonly staging?: string;
  readonly json?: boolean;
}

/** `sftunnel-ca renew`: renew the InternalCA and deliver the new files to the devices a devices.csv lists. */
export function renewCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('renew')
    .summary('renew the InternalCA and re-key every device’s sftunnel')
    .description(
      'Inspect the FMC, plan, generate and stage the new InternalCA and certificates on the FMC, deliver each device’s three ' +
        'files over SSH (backups kept), switch the FMC and bring every tunnel back on the new CA. Devices are reached with ' +
        'the devices.csv rows (name or address, user, port, password inline, env:VAR or file:PATH). Asks the vendor’s two ' +
        'confirmations on a terminal; elsewhere pass --yes. Exit 0 all done, 1 some devices failed (see FAILED_PUSH).',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC whose InternalCA is renewed').makeOptionMandatory())
    .addOption(new Option('--devices <devices.csv>', 'the devices to renew and how to reach them').makeOptionMandatory())
    .addOption(new Option('--yes', 'do not ask for confirmation (needed without a terminal)'))
    .addOption(new Option('--concurrency <n>', 'devices in flight at once (default 16)'))
    .addOption(new Option('--canary <n>', 'devices delivered and verified before any other starts').default('0'))
    .addOption(new Option('--max-failures <n|p%>', 'stop starting devices after this many failures (a count or a percentage)'))
    .addOption(new Option('--journal <file>', 'record each step in this file (mode 0600) and resume from it'))
    .addOption(new Option('--staging <dir>', 'a copy run or a resume: deliver what an earlier renew staged in this FMC directory (no new CA)'))
    .addOption(new Option('--json', `print one JSON document (schema ${RENEW_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --password-file ~/.fmc-password --devices devices.csv\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices devices.csv --yes --canary 2 --max-failures 10% --journal renew.journal --json\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices failed.csv --yes --staging /var/tmp/certs/1767225600\n',
    )
    .action(async (flags: RenewFlags) => {
      const canary = parseWholeNumber(flags.canary, '--canary', 0) ?? 0;
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      const maxFailures = parseMaxFailures(flags.maxFailures);
      const devicesFile = await readDevicesFile(flags.devices);
      const fmcOptions = await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags);
      const fmc = await SshHost.connect(fmcOptions);
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now });
        const rows = matchDevicesToFmc(devicesFile, inspection);
        const plan = planRenewal(inspection, { now, canary, only: [...rows.keys()], ...(flags.staging === undefined ? {} : { stagingDirectory: flags.staging }) });
        if (flags.yes !== true) await confirmRenewal(io, formatRenewalPlan(plan).trimEnd(), expiryVerdict(inspection.ca.certificate, now));
        const onEvent = renewalProgressReporter(io);
        const prepared = flags.staging === undefined ? await prepareRenewal(fmc, inspection, plan, { now, onEvent }) : await loadPreparedRenewal(fmc, inspection, flags.staging);
        const journal = flags.journal === undefined ? undefined : await RenewalJournal.open(flags.journal, { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now);
        const result = await deliverRenewal(fmc, plan, prepared, {
          connect: devicesCsvConnect(io, rows, fmcOptions),
          now: io.now,
          onEvent,
          ...(concurrency === undefined ? {} : { concurrency }),
          ...(maxFailures === undefined ? {} : { maxFailures }),
          ...(journal === undefined ? {} : { journal }),
        });
        if (flags.json === true) writeJson(io, RENEW_SCHEMA_ID, { result });
        else writeText(io, formatRenewResult(result, flags));
        setExitCode(result.counts.renewed === result.devices.length ? EXIT_CODES.OK : EXIT_CODES.FAILED);
      } finally {
        await fmc.close();
      }
    });
  return addSshOptions(command);
}

function formatRenewResult(result: RenewalResult, flags: RenewFlags): string {
  const counts = Object.entries(result.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const lines = [`${result.fmc}: ${counts} of ${result.devices.length} devices in ${(result.durationMs / 1000).toFixed(1)}s`];
  if (result.failedPushPath !== undefined) {
    lines.push(
      `FAILED_PUSH: ${result.failedPushPath} lists the devices not done; their files stay staged in ${result.stagingDirectory}.`,
      `Once they are reachable, finish with a copy run: sftunnel-ca renew --fmc ${flags.fmc} --devices <their devices.csv> --staging ${result.stagingDirectory}`,
    );
  }
  return lines.join('\n');
}
