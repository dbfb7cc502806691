import type { Certificate, ExpiryVerdict } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import { readInputFile } from '../input-file.js';
import { inputName } from '../standard-input.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { writeJson, writeText } from '../output.js';
import { parseMoment } from '../moment.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, type SshFlags } from '../ssh-options.js';

// core and transport load when the command runs, not when `--help` or `--version` builds the tree.

/** The options of `check`. */
interface CheckFlags extends SshFlags {
  readonly file?: string;
  readonly fmc?: string;
  readonly at?: string;
  readonly json?: boolean;
}

/** The `schema` of `check --json` documents. */
export const CHECK_SCHEMA_ID = 'sftunnel-ca/check/v1';

/** The exit code for a verdict: 0 valid, 5 expiring within 30 days, 6 expired. */
export function exitCodeOfVerdict(verdict: ExpiryVerdict): ExitCode {
  return verdict.kind === 'valid' ? EXIT_CODES.OK : verdict.kind === 'expiring' ? EXIT_CODES.CA_EXPIRING : EXIT_CODES.CA_EXPIRED;
}

/** `sftunnel-ca check`: the vendor's expiry check of an InternalCA. */
export function checkCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('check')
    .summary('check when the InternalCA expires (the vendor’s three verdicts)')
    .description(
      'Check when the InternalCA expires, as the vendor’s one-line check does: expired N days ago (act now), expires within ' +
        '30 days (act quickly), or valid for more than 30 days. Exit code 0 valid, 5 expiring, 6 expired.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC to check over SSH (the CA that its sftunnel.conf names)').conflicts('file'))
    .addOption(new Option('--file <cacert.pem>', 'a CA certificate file, e.g. a copy of /etc/sf/ca_root/cacert.pem; - reads standard input'))
    .addOption(new Option('--at <date>', 'check at this moment instead of now (ISO 8601, e.g. 2034-10-01)'))
    .addOption(new Option('--json', 'print one JSON document (schema sftunnel-ca/check/v1)'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca check --file /etc/sf/ca_root/cacert.pem\n' +
        '  $ SFTUNNEL_CA_PASSWORD=… sftunnel-ca check --fmc admin@fmc.example.net --json\n' +
        '  $ sftunnel-ca check --file cacert.pem --at 2034-10-01 --json\n',
    )
    .action(async (options: CheckFlags) => {
      if ((options.file === undefined) === (options.fmc === undefined)) {
        throw new CliUsageError('check needs either --fmc <user@host[:port]> or --file <cacert.pem> (see sftunnel-ca check --help)');
      }
      const { Certificate, expiryVerdict, formatVendorExpiryCheck } = await import('@sftunnel-ca/core');
      const now = options.at === undefined ? io.now() : parseMoment(options.at, '--at');
      const certificate = options.file === undefined ? await readFmcCa(io, options.fmc ?? '', options, now) : Certificate.fromPem(await readCaFile(io, options.file), inputName(options.file));
      const verdict = expiryVerdict(certificate, now);
      if (options.json === true) {
        writeJson(io, CHECK_SCHEMA_ID, {
          source: options.file === undefined ? { fmc: options.fmc } : { file: options.file },
          subject: certificate.subject,
          notAfter: certificate.notAfter.toISOString(),
          checkedAt: now.toISOString(),
          verdict: verdict.kind,
          days: verdict.days,
          healthAlert: verdict.healthAlert,
          message: verdict.message,
        });
      } else {
        writeText(io, `${certificate.subject}\nnotAfter=${certificate.notAfter.toUTCString()}${formatVendorExpiryCheck(verdict).trimEnd()}\n`);
      }
      setExitCode(exitCodeOfVerdict(verdict));
    });
  return addSshOptions(command);
}

/** The CA certificate of `--file`: the file, or standard input for `-`. */
function readCaFile(io: CliIo, file: string): Promise<string> {
  return readInputFile(file, '--file', { remedy: 'pass the CA certificate file (cacert.pem)', standardInput: io.stdin });
}

async function readFmcCa(io: CliIo, fmc: string, flags: SshFlags, now: Date): Promise<Certificate> {
  const [{ inspectFmc }, { SshHost }] = await Promise.all([import('@sftunnel-ca/core'), import('@sftunnel-ca/transport')]);
  const host = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(fmc, '--fmc'), flags));
  try {
    return (await inspectFmc(host, { now })).ca.certificate;
  } finally {
    await host.close();
  }
}
