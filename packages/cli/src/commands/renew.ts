import type { RenewalEvent, RenewalResult } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { FleetInterruption } from '../fleet-interruption.js';
import { defaultJournalPath } from '../journal-path.js';
import { parseMaxFailures } from '../max-failures.js';
import { formatPreflightFindings } from '../preflight-findings.js';
import { writeJson, writeText } from '../output.js';
import { renewalProgressReporter } from '../renewal-progress.js';
import { confirmRenewal } from '../renewal-confirmation.js';
import { resumeCommand } from '../resume-command.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';
import { parseBackdate } from '../backdate.js';
import { caKeyOption, layoutWithCaKey } from '../ca-key-option.js';
import { parseDeviceNames } from '../device-names.js';
import { collect } from '../repeatable-option.js';
import { ChangeRecorder, type ChangeRecord } from '../change-record.js';
import { readPlanFile } from '../plan-file.js';
import { flagsOfPlanFile, planFileOptionsOf, type PlanDecidingFlags } from '../plan-file-options.js';
import { terminalSafe } from '../terminal-text.js';

/** The `schema` of `renew --json` documents. */
export const RENEW_SCHEMA_ID = 'sftunnel-ca/renew/v1';

/** The options of `renew`: those a plan file records, and how the run goes. */
interface RenewFlags extends SshFlags, PlanDecidingFlags {
  readonly fmc: string;
  readonly devices: string;
  readonly yes?: boolean;
  readonly concurrency?: string;
  readonly maxFailures?: string;
  readonly journal?: string;
  readonly json?: boolean;
  readonly plan?: string;
  readonly report?: string;
}

/** `sftunnel-ca renew`: renew the InternalCA and deliver the new files to the devices a devices.csv lists. */
export function renewCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('renew')
    .summary('renew the InternalCA and re-key every device’s sftunnel')
    .description(
      'Inspect the FMC, plan, generate and stage the new InternalCA and certificates on the FMC, deliver each device’s three ' +
        'files over SSH (backups kept), switch the FMC and bring every tunnel back on the new CA. Devices are reached with ' +
        'the devices.csv rows (name or address, user, port, password inline, env:VAR or file:PATH). Asks the vendor’s two ' +
        'confirmations on a terminal; elsewhere pass --yes. First a preflight checks the FMC (version, critical tasks, clock) ' +
        'and reaches every device as root (clock, free disk, the CA key): any failure refuses the run (exit 3) with each probe’s message ' +
        'and what to do; --allow-unreachable leaves devices that cannot be reached to the copy step. Every device the FMC manages ' +
        'must be in the inventory or named with --leave-out: a run that would strand one is refused (exit 2, naming it). The ' +
        'FMC switches its CA, CA key, CRL and own pair together, each replaced file kept as *.backup (an older *.backup moved ' +
        'to *.backup.<time>). On a terminal a live list shows the devices in flight. Ctrl-C ' +
        'stops starting devices, lets those in flight finish, leaves the FMC unswitched and prints the command that resumes ' +
        '(every run keeps a journal). Exit 0 all done, 1 some devices failed (see FAILED_PUSH), 3 preflight refused, 4 interrupted.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC whose InternalCA is renewed').makeOptionMandatory())
    .addOption(new Option('--devices <inventory>', 'the devices to renew and how to reach them: a devices.csv, or a YAML/JSON inventory').makeOptionMandatory())
    .addOption(new Option('--yes', 'do not ask for confirmation (needed without a terminal)'))
    .addOption(new Option('--concurrency <n>', 'devices in flight at once (default 16)'))
    .addOption(new Option('--canary <n>', 'devices delivered and verified before any other starts').default('0'))
    .addOption(new Option('--max-failures <n|p%>', 'stop starting devices after this many failures (a count or a percentage)'))
    .addOption(new Option('--journal <file>', 'record each step in this file (mode 0600) and resume from it (default under ~/.local/state/sftunnel-ca/journals)'))
    .addOption(new Option('--staging <dir>', 'a copy run or a resume: deliver what an earlier renew staged in this FMC directory (no new CA)'))
    .addOption(new Option('--allow-unreachable', 'preflight: devices that cannot be reached are a warning, not a refusal (they are left to the copy step)'))
    .addOption(new Option('--backdate <duration>', 'set the new certificates’ notBefore and the CRL’s lastUpdate this far back, for clocks that lag (e.g. 12h, 1d, 2d; default 1d)'))
    .addOption(new Option('--leave-out <names>', 'devices the FMC manages that this run leaves out on purpose (comma-separated, repeatable): staged and listed in FAILED_PUSH for a copy run; they drop at their next reconnect until copied').argParser(collect))
    .addOption(caKeyOption())
    .addOption(
      new Option('--generator <own|vendor>', 'what makes the new CA: sftunnel-ca’s own (default), or the FMC’s generate_certs.pl (fixed hotfix only), then delivered, verified and journaled alike').choices(['own', 'vendor']),
    )
    .addOption(new Option('--json', `print one JSON document (schema ${RENEW_SCHEMA_ID})`))
    .addOption(new Option('--plan <file>', 'run exactly this approved plan (plan --out) with its options: re-inspected first, and refused (exit 2, PLAN_MISMATCH, each difference said) before any change when the FMC no longer matches it'))
    .addOption(new Option('--report <file>', 'write the change record there (mode 0600), even when the run stops part-way: plan, each device’s before/after fingerprints, outcomes and codes, the change window, what to do next; Markdown, or one self-contained HTML page for .html/.htm'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --password-file ~/.fmc-password --devices devices.csv\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices devices.csv --yes --canary 2 --max-failures 10% --journal renew.journal --json\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices failed.csv --yes --staging /var/tmp/certs/1767225600\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices devices.csv --leave-out FTD-0007,FTD-0012 --yes\n' +
        '  $ sftunnel-ca renew --fmc admin@fmc.example.net --devices devices.csv --plan plan.json --report change.html --yes\n',
    )
    .action(async (given: RenewFlags, self: Command) => {
      // An approved plan's options are the run's (the command line may only repeat them); checked, as the report's path, before anything is reached.
      const approved = given.plan === undefined ? undefined : await readPlanFile(given.plan);
      const flags = approved === undefined ? given : flagsOfPlanFile(given, approved.file, (attribute) => !['default', undefined].includes(self.getOptionValueSource(attribute)));
      const reportPath = flags.report === undefined ? undefined : await (await import('../private-output-file.js')).checkOutputPath(flags.report, '--report');
      const recorder = reportPath === undefined ? undefined : new ChangeRecorder(io.now, flags.fmc, flags.devices);
      const [core, { SshHost }, { inventoryConnect, plannedDeviceConnect }, { resolveDeviceCredentials }, { matchDevicesToFmc, readDevicesFile }, { FleetInterruption }, { FleetProgress }, { assertJournalOfRun, peekJournalOption }] =
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
      const { RenewalJournal, assertPlanCoverage, assertPreflightPassed, fmcSwitchPending, isSftunnelCaError, expiryVerdict, formatRenewalPlan, inspectFmc, planRenewal, preflightRenewal, preflightUnreachable, renewFleet } = core;
      const { chooseRenewalGenerator, defaultPreflightProbes, formatRenewalGeneratorChoice, probeVendorGenerator, renewalGeneratorProbe, renewWithVendorGenerator } = core;
      const canary = parseWholeNumber(flags.canary, '--canary', 0) ?? 0;
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      const backdateMs = parseBackdate(flags.backdate);
      const backdate = backdateMs === undefined ? {} : { backdateMs };
      const maxFailures = parseMaxFailures(flags.maxFailures);
      const leaveOut = parseDeviceNames(flags.leaveOut);
      if (leaveOut.length > 0 && flags.generator === 'vendor') {
        throw new CliUsageError('--leave-out cannot be honoured with --generator vendor: generate_certs.pl pushes the new files to every device whose tunnel is up. Leave devices out with our own generator (the default)');
      }
      const layout = await layoutWithCaKey(flags.caKey);
      const devicesFile = await readDevicesFile(flags.devices, io.env, io.stdin);
      const journalRun = await peekJournalOption(flags.journal, flags.staging);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      // Listening for Ctrl-C from the first change on: before it, Ctrl-C ends the command at once, as usual.
      let interruption: FleetInterruption | undefined;
      let resume: string | undefined;
      let failure: { error: unknown } | undefined;
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now, layout });
        const rows = matchDevicesToFmc(devicesFile, inspection);
        const plan = planRenewal(inspection, { now, canary, only: [...rows.keys()], leaveOut, ...(flags.staging === undefined ? {} : { stagingDirectory: flags.staging }) });
        if (journalRun !== undefined && flags.journal !== undefined) assertJournalOfRun(flags.journal, journalRun, inspection.fmcUuid, plan.stagingDirectory);
        // Which generator makes the new CA, and why (the vendor's only where the FMC has the fixed generate_certs.pl; refused by preflight otherwise).
        const generator = chooseRenewalGenerator(await probeVendorGenerator(fmc), flags.generator);
        io.stderr.write(`${formatRenewalGeneratorChoice(generator)}\n`);
        if (approved !== undefined || recorder !== undefined) {
          const [{ fmcPlanFile }, { assertApprovedPlan }] = await Promise.all([import('../fmc-plan-file.js'), import('../approved-plan-check.js')]);
          const current = await fmcPlanFile(fmc, { inspection, plan, generator: generator.generator, options: approved?.file.options ?? planFileOptionsOf(flags) });
          recorder?.planned(current, approved === undefined ? undefined : { path: approved.path, sha256: approved.sha256 });
          // The approved plan, exactly: any difference refuses the run (exit 2) before anything changes.
          if (approved !== undefined) assertApprovedPlan(io, flags.json === true, approved, current);
        }
        // Every device the FMC manages is renewed or left out on purpose before it switches: refused (exit 2) before any device is reached.
        if (await fmcSwitchPending(fmc, plan, layout)) assertPlanCoverage(plan);
        const credentials = await resolveDeviceCredentials(io, [...rows.values()], devicesFile.path);
        const connect = plannedDeviceConnect(rows, inventoryConnect(credentials, sharedSshOptions(flags)));
        const preflight = await preflightRenewal(fmc, inspection, plan, { connect, now: io.now, probes: [...defaultPreflightProbes(backdate), renewalGeneratorProbe(generator)], allowUnreachable: flags.allowUnreachable === true, ...backdate, ...(concurrency === undefined ? {} : { concurrency }) });
        if (preflight.refused || preflight.counts.warn > 0) io.stderr.write(`${formatPreflightFindings(preflight)}\n`);
        assertPreflightPassed(preflight);
        if (flags.yes !== true) await confirmRenewal(io, formatRenewalPlan(plan).trimEnd(), expiryVerdict(inspection.ca.certificate, now));
        const journalPath = flags.journal ?? (await defaultJournalPath(io.env, inspection.fmcUuid, plan.stagingDirectory));
        const stop = new FleetInterruption(io);
        interruption = stop;
        const guarded = stop.guardFmc(fmc);
        resume = resumeCommand(self.parent?.args ?? [], plan.stagingDirectory, journalPath);
        recorder?.started(journalPath, plan.stagingDirectory);
        const progress = new FleetProgress(io, 'renew');
        const report = renewalProgressReporter(progress);
        const onEvent = (event: RenewalEvent): void => {
          stop.observe(event);
          recorder?.observe(event);
          report(event);
        };
        let result: RenewalResult | undefined;
        try {
          result = await progress.run(async () => {
            const journal = await RenewalJournal.open(journalPath, { fmcUuid: inspection.fmcUuid, stagingDirectory: plan.stagingDirectory }, now);
            // One go: key generation overlaps delivery; a staging directory (resume, copy run) is reused, never regenerated.
            return (generator.generator === 'vendor' ? renewWithVendorGenerator : renewFleet)(guarded, inspection, plan, {
              connect: progress.track(stop.guardConnect(connect, (device) => device.name), (device) => device.name),
              // Devices preflight could not reach (--allow-unreachable) are not dialled again: failed with preflight's cause, to FAILED_PUSH.
              unreachable: preflightUnreachable(preflight),
              now: io.now,
              onEvent,
              journal,
              ...(concurrency === undefined ? {} : { concurrency }),
              ...(maxFailures === undefined ? {} : { maxFailures }),
              ...backdate,
              layout,
            });
          });
        } catch (error) {
          if (!isSftunnelCaError(error, 'RUN_INTERRUPTED')) throw error;
        }
        if (result !== undefined) {
          if (flags.json === true) writeJson(io, RENEW_SCHEMA_ID, { result });
          else writeText(io, formatRenewResult(result, flags));
        }
        if (stop.requested) {
          io.stderr.write(`sftunnel-ca: RUN_INTERRUPTED: the run was interrupted; the journal ${journalPath} records what is done.\n  what to do: resume with\n    ${resume}\n`);
          setExitCode(EXIT_CODES.INTERRUPTED);
          return;
        }
        // Devices left out on purpose are what was asked for: the summary says they wait for a copy run.
        const asked = result?.devices.filter((d) => d.cause !== 'DEVICE_LEFT_OUT') ?? [];
        setExitCode(result !== undefined && asked.every((d) => d.outcome === 'renewed') ? EXIT_CODES.OK : EXIT_CODES.FAILED);
      } catch (error) {
        failure = { error };
        throw error;
      } finally {
        interruption?.dispose();
        await fmc.close();
        // The change record, also of a run that stopped part-way: what happened so far.
        if (recorder !== undefined && reportPath !== undefined) {
          await writeReport(io, reportPath, recorder.finish({ ...failure, interrupted: interruption?.requested === true, ...(resume === undefined ? {} : { resume }) }), failure !== undefined);
        }
      }
    });
  return addSshOptions(command);
}

/** Writes the change report; when the run already failed, a report that cannot be written is a warning, not a second error. */
async function writeReport(io: CliIo, path: string, record: ChangeRecord, runFailed: boolean): Promise<void> {
  const { writeChangeReport } = await import('../change-report-file.js');
  try {
    await writeChangeReport(path, record);
    io.stderr.write(terminalSafe(`sftunnel-ca: change record written to ${path}\n`));
  } catch (error) {
    if (!runFailed) throw error;
    io.stderr.write(terminalSafe(`sftunnel-ca: warning: the change record could not be written to ${path}: ${(error as Error).message}\n`));
  }
}

function formatRenewResult(result: RenewalResult, flags: RenewFlags): string {
  const counts = Object.entries(result.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  const lines = [`${result.fmc}: ${counts} of ${result.devices.length} devices in ${(result.durationMs / 1000).toFixed(1)}s`];
  const leftOut = result.devices.filter((d) => d.cause === 'DEVICE_LEFT_OUT').map((d) => d.name);
  if (leftOut.length > 0 && result.fmcSwitched) {
    lines.push(`LEFT OUT on purpose: ${leftOut.join(', ')}. The FMC is on the new InternalCA: they will drop at their next reconnect until their files are copied (they are in FAILED_PUSH).`);
  }
  if (result.failedPushPath !== undefined) {
    lines.push(
      `FAILED_PUSH: ${result.failedPushPath} lists the devices not done; their files stay staged in ${result.stagingDirectory}.`,
      `Once they are reachable, finish with a copy run: sftunnel-ca copy --fmc ${flags.fmc} --failed-push ${result.failedPushPath} ${flags.devices}`,
    );
  }
  return lines.join('\n');
}
