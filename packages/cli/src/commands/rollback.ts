import type { RenewalEvent, RenewalResult } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { FleetInterruption } from '../fleet-interruption.js';
import { writeJson, writeText } from '../output.js';
import { confirmChange } from '../renewal-confirmation.js';
import { renewalProgressReporter } from '../renewal-progress.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';
import { caKeyOption, layoutWithCaKey } from '../ca-key-option.js';

/** The `schema` of `rollback --json` documents. */
export const ROLLBACK_SCHEMA_ID = 'sftunnel-ca/rollback/v1';

/** The options of `rollback`. */
interface RollbackFlags extends SshFlags {
  readonly fmc: string;
  readonly devices: string;
  readonly journal?: string;
  readonly yes?: boolean;
  readonly concurrency?: string;
  readonly force?: boolean;
  readonly caKey?: string;
  readonly json?: boolean;
}

/** `sftunnel-ca rollback [device…]`: put back the files a renewal replaced, from their backups. */
export function rollbackCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('rollback')
    .summary('restore the files a renewal replaced (*.backup) on some or all devices, and restart their tunnels')
    .description(
      'Put back, byte for byte, each device’s cacert.pem, sftunnel-cert.pem and sftunnel-key.pem from the backups a renew or ' +
        'copy kept, then restart its tunnel. With --journal, exactly what that run replaced (its backups, checked by sha256) ' +
        'and only while the live files are still what it wrote: a later renewal must be rolled back first (ROLLBACK_STALE, ' +
        'exit 2, nothing changed); run again, a rollback finds what is done. Without a journal, from *.backup: the previous ' +
        'generation. With no device named, every device of the inventory; when that is every device of the FMC, the FMC’s own ' +
        'files (CA, CA key, CRL, its pair) are restored too and its sftunnel restarted. Single devices are refused once the FMC ' +
        'has switched (ROLLBACK_WOULD_STRAND, exit 2): a device on the old CA cannot reach an FMC on the new one; --force does ' +
        'it anyway. Asks for confirmation on a terminal; elsewhere pass --yes. Exit 0 all rolled back, 1 some failed, 2 refused, 4 interrupted.',
    )
    .argument('[device...]', 'device names (or UUIDs) to roll back; default every device of the inventory')
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC, over SSH').makeOptionMandatory())
    .addOption(new Option('--devices <inventory>', 'how to reach the devices: a devices.csv, or a YAML/JSON inventory').makeOptionMandatory())
    .addOption(new Option('--journal <file>', 'the journal of the renewal to undo (where its backups are; rollbacks are recorded)'))
    .addOption(new Option('--yes', 'do not ask for confirmation (needed without a terminal)'))
    .addOption(new Option('--concurrency <n>', 'devices in flight at once (default 16)'))
    .addOption(new Option('--force', 'roll back the devices named although the FMC has switched: they keep the old CA and drop at their next restart'))
    .addOption(caKeyOption())
    .addOption(new Option('--json', `print one JSON document (schema ${ROLLBACK_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca rollback --fmc admin@192.0.2.10 --password-file ~/.fmc-password --devices devices.csv --journal renew.journal\n' +
        '  $ sftunnel-ca rollback FTD-0003 --fmc admin@fmc.example.net --devices devices.csv --journal renew.journal --yes --json\n' +
        '    (one device alone: refused once the FMC has switched, unless --force)\n',
    )
    .action(async (named: string[], flags: RollbackFlags) => {
      const [{ RenewalJournal, inspectFmc, isSftunnelCaError, planRenewal, rollbackRenewal }, { SshHost }, { inventoryConnect, plannedDeviceConnect }, { resolveDeviceCredentials }, { matchDevicesToFmc, readDevicesFile }, { FleetInterruption }, { FleetProgress }, { assertJournalOfRun, peekJournalOption }] =
        await Promise.all([
          import('@sftunnel-ca/core'),
          import('@sftunnel-ca/transport'),
          import('../device-connect.js'),
          import('../device-credentials.js'),
          import('../devices-file.js'),
          import('../fleet-interruption.js'),
          import('../fleet-progress.js'),
          import('../journal-check.js'),
        ]);
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      const devicesFile = await readDevicesFile(flags.devices, io.env);
      const journalRun = await peekJournalOption(flags.journal, undefined);
      if (flags.journal !== undefined && journalRun === undefined) throw new CliUsageError(`--journal: ${flags.journal} does not exist`);
      const layout = await layoutWithCaKey(flags.caKey);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      // Listening for Ctrl-C from the first change on: before it, Ctrl-C ends the command at once, as usual.
      let interruption: FleetInterruption | undefined;
      let result: RenewalResult | undefined;
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now, layout });
        if (journalRun !== undefined && flags.journal !== undefined) assertJournalOfRun(flags.journal, journalRun, inspection.fmcUuid);
        const rows = matchDevicesToFmc(devicesFile, inspection);
        const plan = planRenewal(inspection, { now, ...(journalRun === undefined ? {} : { stagingDirectory: journalRun.stagingDirectory }) });
        const chosen = plan.devices.filter((device) => (named.length === 0 ? rows.has(device.uuid) : named.includes(device.name) || named.includes(device.uuid)));
        const unknown = named.filter((name) => !chosen.some((device) => device.name === name || device.uuid === name));
        if (unknown.length > 0) throw new CliUsageError(`${unknown.join(', ')}: no such device of ${flags.fmc}; nothing was changed`);
        const missing = chosen.filter((device) => !rows.has(device.uuid));
        if (missing.length > 0) throw new CliUsageError(`${devicesFile.path} does not say how to reach ${missing.map((d) => d.name).join(', ')}; nothing was changed`);
        const withFmc = chosen.length === plan.devices.length;
        if (!withFmc && flags.force === true) {
          io.stderr.write(`sftunnel-ca: warning: --force: ${chosen.map((d) => d.name).join(', ')} will hold the backup CA while the FMC keeps ${inspection.ca.certificate.fingerprintSha256.slice(0, 16)}…; a device whose CA differs drops at its next restart until it gets the FMC’s files again.\n`);
        }
        if (flags.yes !== true) {
          const summary = `Roll back ${chosen.length} device(s) of ${flags.fmc} (${chosen.map((d) => d.name).join(', ')}): restore cacert.pem, sftunnel-cert.pem and sftunnel-key.pem from their backups and restart their tunnels${withFmc ? '; restore the FMC’s own files too and restart its sftunnel' : ''}.`;
          await confirmChange(io, 'rollback', [summary]);
        }
        const credentials = await resolveDeviceCredentials(io, chosen.flatMap((device) => rows.get(device.uuid) ?? []), devicesFile.path);
        const journal = journalRun === undefined || flags.journal === undefined ? undefined : await RenewalJournal.open(flags.journal, journalRun, now);
        const stop = new FleetInterruption(io);
        interruption = stop;
        const progress = new FleetProgress(io, 'rollback');
        const report = renewalProgressReporter(progress, 'rollback');
        const connect = plannedDeviceConnect(rows, inventoryConnect(credentials, sharedSshOptions(flags)));
        result = await progress
          .run(() =>
          rollbackRenewal(stop.guardFmc(fmc), plan, {
            connect: progress.track(stop.guardConnect(connect, (device) => device.name), (device) => device.name),
            now: io.now,
            only: chosen.map((device) => device.uuid),
            layout,
            force: flags.force === true,
            onEvent: (event: RenewalEvent) => {
              stop.observe(event);
              report(event);
            },
            ...(journal === undefined ? {} : { journal }),
            ...(concurrency === undefined ? {} : { concurrency }),
          }),
          )
          .catch((error: unknown) => {
            // Interrupted before the FMC's own files were restored: the devices rolled back so far stay so.
            if (isSftunnelCaError(error, 'RUN_INTERRUPTED')) return undefined;
            throw error;
          });
      } finally {
        interruption?.dispose();
        await fmc.close();
      }
      if (result !== undefined && flags.json === true) writeJson(io, ROLLBACK_SCHEMA_ID, { result });
      else if (result !== undefined) writeText(io, `${result.fmc}: ${result.counts['rolled-back']} of ${result.devices.length} devices rolled back in ${(result.durationMs / 1000).toFixed(1)}s`);
      if (interruption?.requested === true) {
        io.stderr.write('sftunnel-ca: RUN_INTERRUPTED: the rollback was interrupted.\n  what to do: run the same command again for the devices not rolled back\n');
        setExitCode(EXIT_CODES.INTERRUPTED);
      } else {
        setExitCode(result !== undefined && result.counts['rolled-back'] === result.devices.length ? EXIT_CODES.OK : EXIT_CODES.FAILED);
      }
    });
  return addSshOptions(command);
}
