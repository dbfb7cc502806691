import { posix } from 'node:path';
import type { DeviceRow, DevicesCsvCopyResult } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { RowConnect } from '../device-connect.js';
import type { DevicesFile } from '../devices-file.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { writeJson, writeText } from '../output.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags, type SshTarget } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';

/** The `schema` of `copy --json` documents. */
export const COPY_SCHEMA_ID = 'sftunnel-ca/copy/v1';

/** The options of `copy`. */
interface CopyFlags extends SshFlags {
  readonly fmc?: string;
  readonly failedPush?: string;
  readonly staging?: string;
  readonly logFormat: 'plain' | 'vendor';
  readonly concurrency?: string;
  readonly json?: boolean;
}

/** The rows of a copy run and how its source FMC is reached. */
interface CopyRun {
  /** The FMC first, then the appliances to copy to. */
  readonly rows: readonly DeviceRow[];
  /** The rows whose credentials come from the inventory. */
  readonly inventoryRows: readonly DeviceRow[];
  /** Opens the FMC when it was given with `--fmc`. */
  readonly fmcConnect: RowConnect | undefined;
  /** The staging directory to copy from, if any. */
  readonly stagingDirectory: string | undefined;
}

/** `sftunnel-ca copy`: the vendor's copy step for the devices a renewal left out. */
export function copyCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('copy')
    .summary('copy the FMC’s certificates to the devices a renewal left out (the vendor’s copy step)')
    .description(
      'The copy step of the vendor’s procedure (copy_sftunnel_certs.py / copy_sftunnel_certs_jumpserver.py): connect to each ' +
        'appliance of the inventory over SSH, copy the FMC’s InternalCA and that device’s certificate and key (backups kept, ' +
        'root:root 644), restart its sftunnel and check its tunnel on the FMC. The HA peer FMC (the FMC has a peer directory ' +
        'for it) gets them in its own peers directory the same way; an FMC row that is not the HA peer is skipped, as the ' +
        'vendor’s script does. A row that fails says why, in the log too. Without --fmc the inventory’s first row is the FMC (the jump-server script); with --fmc ' +
        'every row is a target (the script run on the FMC). With --failed-push only the devices a FAILED_PUSH lists are done, ' +
        'from the staging directory it is in when a renew prepared it, else from the FMC’s live files. The inventory is the ' +
        'vendor’s devices.csv as it is (name, ip, admin user, password), or with the columns port, key file, jump host and role ' +
        'under a header, or a YAML/JSON inventory. An empty password is asked for on a terminal (no echo). Exit 0 all copied, ' +
        '1 some failed, 4 interrupted (run it again: devices already copied are not rewritten).',
    )
    .argument('<inventory>', 'devices.csv, or a .yaml/.yml/.json inventory')
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC whose certificates are copied, over SSH (else the inventory’s first row)'))
    .addOption(new Option('--failed-push <path>', 'only the devices of this FAILED_PUSH on the FMC, e.g. /var/tmp/certs/1731420000/FAILED_PUSH'))
    .addOption(new Option('--staging <dir>', 'copy the files staged in this FMC directory by a renew, instead of the FMC’s live ones'))
    .addOption(new Option('--log-format <format>', 'plain: one line per device; vendor: copy_sftunnel_certs.py’s log on stdout').choices(['plain', 'vendor']).default('plain'))
    .addOption(new Option('--concurrency <n>', 'appliances in flight at once (default 16)'))
    .addOption(new Option('--json', `print one JSON document (schema ${COPY_SCHEMA_ID})`).conflicts('logFormat'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca copy devices.csv --log-format vendor\n' +
        '  $ sftunnel-ca copy --fmc admin@192.0.2.10 --password-file ~/.fmc-password --failed-push /var/tmp/certs/1731420000/FAILED_PUSH devices.csv\n' +
        '  $ sftunnel-ca copy --fmc admin@fmc.example.net inventory.yaml --json\n' +
        '\nInventory (YAML or JSON): a list of devices, or { devices: [...] }, each with name, address, user, and optionally\n' +
        'password (env:VAR or file:PATH; never inline), port, keyFile, jumpHost ([user@]host[:port]) and role (fmc, ftd, ha-peer):\n' +
        '  devices:\n' +
        '    - { name: FTD-1, address: 192.0.2.21, user: admin, password: env:FTD_PASSWORD }\n' +
        '    - { name: FTD-2, address: 192.0.2.22, user: admin, keyFile: ~/.ssh/ftd2, jumpHost: admin@192.0.2.5 }\n',
    )
    .action(async (inventoryPath: string, flags: CopyFlags) => {
      const [{ copyFromDevicesCsv }, { inventoryConnect }, { resolveDeviceCredentials }, { readDevicesFile }, { FleetInterruption }, { FleetProgress }] = await Promise.all([
        import('@sftunnel-ca/core'),
        import('../device-connect.js'),
        import('../device-credentials.js'),
        import('../devices-file.js'),
        import('../fleet-interruption.js'),
        import('../fleet-progress.js'),
      ]);
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      if (flags.failedPush !== undefined && flags.fmc === undefined) throw new CliUsageError('--failed-push needs --fmc: the FAILED_PUSH is read on the FMC');
      const inventory = await readDevicesFile(inventoryPath, io.env);
      const run = flags.fmc === undefined ? jumpServerRun(inventory, flags.staging) : await fmcRun(io, parseSshTarget(flags.fmc, '--fmc'), inventory, flags);
      const credentials = await resolveDeviceCredentials(io, run.inventoryRows, inventory.path);
      const rowConnect = inventoryConnect(credentials, sharedSshOptions(flags));
      const interruption = new FleetInterruption(io);
      const progress = new FleetProgress(io, 'copy');
      progress.total = run.rows.length - 1;
      const deviceConnect = progress.track(interruption.guardConnect(rowConnect, (row) => row.name), (row) => row.name);
      const [source] = run.rows;
      let result: DevicesCsvCopyResult;
      try {
        result = await progress.run(() =>
          copyFromDevicesCsv(run.rows, {
            connect: (row, signal) => (row !== source ? deviceConnect(row, signal) : (run.fmcConnect ?? rowConnect)(row, signal)),
            now: io.now,
            utcOffsetMinutes: -io.now().getTimezoneOffset(),
            ...(run.stagingDirectory === undefined ? {} : { stagingDirectory: run.stagingDirectory }),
            ...(concurrency === undefined ? {} : { concurrency }),
          }),
        );
      } finally {
        interruption.dispose();
      }
      if (flags.json === true) writeJson(io, COPY_SCHEMA_ID, { ...result, stagingDirectory: run.stagingDirectory ?? null, interrupted: interruption.requested });
      else if (flags.logFormat === 'vendor') io.stdout.write(result.log);
      else writeText(io, formatCopyResult(result));
      if (interruption.requested) {
        io.stderr.write('sftunnel-ca: RUN_INTERRUPTED: the copy was interrupted.\n  what to do: run the same command again; appliances already copied are not rewritten\n');
        setExitCode(EXIT_CODES.INTERRUPTED);
      } else {
        setExitCode(result.counts.failed === 0 ? EXIT_CODES.OK : EXIT_CODES.FAILED);
      }
    });
  return addSshOptions(command);
}

/** The jump-server script: the inventory's first row is the FMC. */
function jumpServerRun(inventory: DevicesFile, stagingDirectory: string | undefined): CopyRun {
  if (inventory.rows.length < 2) throw new CliUsageError(`${inventory.path}: without --fmc the first row is the FMC and the others are copied to; it lists ${inventory.rows.length} row(s)`);
  return { rows: inventory.rows, inventoryRows: inventory.rows, fmcConnect: undefined, stagingDirectory };
}

/** The script run on the FMC: every row is a target; with `--failed-push`, only the devices it lists. */
async function fmcRun(io: CliIo, target: SshTarget, inventory: DevicesFile, flags: CopyFlags): Promise<CopyRun> {
  const [{ DevicePassword, parseFailedPush }, { SshHost }] = await Promise.all([import('@sftunnel-ca/core'), import('@sftunnel-ca/transport')]);
  const fmcOptions = await resolveSshOptions(io, target, flags);
  const fmcRow: DeviceRow = {
    line: 0,
    name: target.host,
    address: target.host,
    user: target.username,
    password: DevicePassword.fromCell(''),
    port: target.port,
    keyFile: undefined,
    jumpHost: undefined,
    role: 'fmc',
  };
  const fmcConnect: RowConnect = (_row, signal) => SshHost.connect({ ...fmcOptions, signal });
  if (flags.failedPush === undefined) return { rows: [fmcRow, ...inventory.rows], inventoryRows: inventory.rows, fmcConnect, stagingDirectory: flags.staging };
  const fmc = await SshHost.connect(fmcOptions);
  try {
    const failed = parseFailedPush(new TextDecoder().decode(await fmc.readFile(flags.failedPush)), { file: flags.failedPush });
    const missing = failed.devices.filter((device) => !inventory.rows.some((row) => row.name === device.name || row.address === device.address));
    if (missing.length > 0) {
      throw new CliUsageError(`${inventory.path} does not list ${missing.map((d) => `${d.name} (${d.address})`).join(', ')} of ${flags.failedPush}: add them (name or address, user, password) and run again; nothing was changed`);
    }
    const targets = inventory.rows.filter((row) => row.role !== 'fmc' && failed.devices.some((device) => row.name === device.name || row.address === device.address));
    const directory = posix.dirname(flags.failedPush);
    // A renew's staging directory holds its manifest.json (core's staging layout); generate_certs.pl's does not: then the FMC's live files are copied.
    const staged = flags.staging ?? ((await fmc.exists(posix.join(directory, 'manifest.json'))) ? directory : undefined);
    return { rows: [fmcRow, ...targets], inventoryRows: targets, fmcConnect, stagingDirectory: staged };
  } finally {
    await fmc.close();
  }
}

function formatCopyResult(result: DevicesCsvCopyResult): string {
  const lines = result.records.map((r) => {
    const why = r.cause === undefined ? '' : `  ${r.cause}${r.message === undefined ? '' : `: ${r.message}`}`;
    return `  ${r.name.padEnd(16)} ${r.address.padEnd(15)} ${r.outcome.padEnd(19)} ${(r.durationMs / 1000).toFixed(1)}s${why}`;
  });
  const counts = Object.entries(result.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  return [`copy from ${result.source} (InternalCA ${result.caFingerprintSha256.slice(0, 16)}…): ${counts}`, ...lines].join('\n');
}
