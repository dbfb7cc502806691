import { createHash } from 'node:crypto';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { writeJson, writeText } from '../output.js';
import { terminalSafe, terminalSafeJson } from '../terminal-text.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';
import { parseBackdate } from '../backdate.js';
import { caKeyOption, layoutWithCaKey } from '../ca-key-option.js';
import { parseDeviceNames } from '../device-names.js';
import { collect } from '../repeatable-option.js';
import { planFileOptionsOf, type PlanDecidingFlags } from '../plan-file-options.js';
import { PLAN_FILE_SCHEMA_ID, formatPlanFile } from '../plan-file.js';

/** The `schema` of `plan --json` documents. */
export const PLAN_SCHEMA_ID = 'sftunnel-ca/plan/v1';

/** The `schema` of `plan --json` documents with `--staging` (each device's old → new certificates) or `--preflight` (the preflight report). */
export const PLAN_DIFF_SCHEMA_ID = 'sftunnel-ca/plan/v2';

/** The options of `plan`: those a plan file records, and what to show. */
interface PlanFlags extends SshFlags, PlanDecidingFlags {
  readonly fmc: string;
  readonly devices?: string;
  readonly preflight?: boolean;
  readonly json?: boolean;
  readonly out?: string;
}

/** `sftunnel-ca plan`: the dry run of a renewal; reads the FMC, changes nothing. */
export function planCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
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
    .addOption(new Option('--staging <dir>', 'a renewal prepared in this FMC directory: also show each device’s old → new certificate (fingerprint, serial, notAfter)'))
    .addOption(new Option('--preflight', 'also run renew’s preflight (reaches every device of --devices; changes nothing) and report it; exit 3 when it would refuse'))
    .addOption(new Option('--allow-unreachable', 'preflight: devices that cannot be reached are a warning, not a refusal'))
    .addOption(new Option('--backdate <duration>', 'preflight: the backdate renew will use (e.g. 12h, 1d, 2d; default 1d): a clock lagging by more fails'))
    .addOption(new Option('--leave-out <names>', 'devices the FMC manages to leave out on purpose, as renew --leave-out (comma-separated, repeatable)').argParser(collect))
    .addOption(caKeyOption())
    .addOption(new Option('--generator <own|vendor>', 'the generator renew --generator would use: said with why; with --preflight, refused where the FMC lacks it').choices(['own', 'vendor']))
    .addOption(new Option('--json', `print one JSON document (schema ${PLAN_SCHEMA_ID}; ${PLAN_DIFF_SCHEMA_ID} with --staging or --preflight)`))
    .addOption(new Option('--out <file>', `also write the plan to review and approve (schema ${PLAN_FILE_SCHEMA_ID}; mode 0600; - for standard output): the same FMC state gives the same bytes; renew --plan runs exactly it`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca plan --fmc admin@fmc.example.net --password-file ~/.fmc-password\n' +
        '  $ sftunnel-ca plan --fmc admin@fmc.example.net --devices devices.csv --canary 2 --json\n' +
        '  $ sftunnel-ca plan --fmc admin@192.0.2.10 --staging /var/tmp/certs/1767225600\n' +
        '  $ sftunnel-ca plan --fmc admin@192.0.2.10 --devices devices.csv --preflight\n' +
        '  $ sftunnel-ca plan --fmc admin@fmc.example.net --devices devices.csv --canary 2 --out plan.json   # then: renew --plan plan.json\n',
    )
    .action(async (flags: PlanFlags) => {
      const [core, { SshHost }, { inventoryConnect, plannedDeviceConnect }, { resolveDeviceCredentials }, { matchDevicesToFmc, readDevicesFile }, { formatPreflightFindings }] = await Promise.all([
        import('@sftunnel-ca/core'),
        import('@sftunnel-ca/transport'),
        import('../device-connect.js'),
        import('../device-credentials.js'),
        import('../devices-file.js'),
        import('../preflight-findings.js'),
      ]);
      const { formatRenewalDiff, formatRenewalPlan, inspectFmc, loadPreparedRenewal, planRenewal, preflightRenewal, renewalDiff } = core;
      const { chooseRenewalGenerator, defaultPreflightProbes, formatRenewalGeneratorChoice, probeVendorGenerator, renewalGeneratorProbe } = core;
      const canary = parseWholeNumber(flags.canary, '--canary', 0) ?? 0;
      const backdateMs = parseBackdate(flags.backdate);
      if (flags.preflight === true && flags.devices === undefined) throw new CliUsageError('--preflight needs --devices: it reaches every device as renew would');
      if (flags.out === '-' && flags.json === true) throw new CliUsageError('--out - prints the plan file on standard output: leave out --json');
      const { checkOutputPath, writePrivateFile } = await import('../private-output-file.js');
      const out = flags.out === undefined || flags.out === '-' ? flags.out : await checkOutputPath(flags.out, '--out');
      const devicesFile = flags.devices === undefined ? undefined : await readDevicesFile(flags.devices, io.env, io.stdin);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now, layout: await layoutWithCaKey(flags.caKey) });
        const rows = devicesFile === undefined ? undefined : matchDevicesToFmc(devicesFile, inspection);
        const only = rows === undefined ? undefined : [...rows.keys()];
        const plan = planRenewal(inspection, { now, canary, leaveOut: parseDeviceNames(flags.leaveOut), ...(only === undefined ? {} : { only }), ...(flags.staging === undefined ? {} : { stagingDirectory: flags.staging }) });
        if (plan.uncovered.length > 0) {
          io.stderr.write(
            `sftunnel-ca: warning: RENEWAL_COVERAGE_INCOMPLETE: ${plan.uncovered.length} device(s) the FMC manages are not in ${flags.devices ?? 'the inventory'}: ${plan.uncovered.map((d) => d.name ?? d.uuid).join(', ')}.\n` +
              '  renew would refuse to switch the FMC over them (exit 2): add them to the inventory, or leave them out on purpose with --leave-out.\n',
          );
        }
        // Which generator renew would use, and why: printed first (on stderr with --json).
        const generator = chooseRenewalGenerator(await probeVendorGenerator(fmc), flags.generator);
        if (flags.json === true || out === '-') io.stderr.write(`${formatRenewalGeneratorChoice(generator)}\n`);
        // Old → new needs the new certificates: only a prepared renewal has them (core's renewalDiff).
        const diff = flags.staging === undefined ? undefined : renewalDiff(plan, await loadPreparedRenewal(fmc, inspection, flags.staging));
        let preflight;
        if (flags.preflight === true && rows !== undefined && devicesFile !== undefined) {
          const credentials = await resolveDeviceCredentials(io, [...rows.values()], devicesFile.path);
          const connect = plannedDeviceConnect(rows, inventoryConnect(credentials, sharedSshOptions(flags)));
          preflight = await preflightRenewal(fmc, inspection, plan, { connect, now: io.now, probes: [...defaultPreflightProbes(backdateMs === undefined ? {} : { backdateMs }), renewalGeneratorProbe(generator)], allowUnreachable: flags.allowUnreachable === true, ...(backdateMs === undefined ? {} : { backdateMs }) });
        }
        const extras = { ...(diff === undefined ? {} : { diff }), ...(preflight === undefined ? {} : { preflight }) };
        if (out !== undefined) {
          const { fmcPlanFile } = await import('../fmc-plan-file.js');
          const text = formatPlanFile(await fmcPlanFile(fmc, { inspection, plan, generator: generator.generator, options: planFileOptionsOf(flags) }));
          if (out === '-') io.stdout.write(terminalSafeJson(text));
          else {
            await writePrivateFile(out, text);
            io.stderr.write(terminalSafe(`sftunnel-ca: plan written to ${out} (sha256 ${createHash('sha256').update(text).digest('hex')}); run it with renew --plan ${out}\n`));
          }
        }
        if (out === '-') {
          // The plan file is the output.
        } else if (flags.json === true) writeJson(io, diff === undefined && preflight === undefined ? PLAN_SCHEMA_ID : PLAN_DIFF_SCHEMA_ID, { fmc: flags.fmc, plan, ...extras });
        else {
          const sections = [`${formatRenewalGeneratorChoice(generator)}\n${formatRenewalPlan(plan)}`];
          if (diff !== undefined) sections.push(`Differences (old -> new):\n${formatRenewalDiff(diff)}`);
          if (preflight !== undefined) sections.push(formatPreflightFindings(preflight, true));
          writeText(io, sections.join('\n'));
        }
        if (preflight?.refused === true) setExitCode(EXIT_CODES.PREFLIGHT_REFUSED);
      } finally {
        await fmc.close();
      }
    });
  return addSshOptions(command);
}
