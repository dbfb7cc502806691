import type { ApplianceProbeReport } from '@sftunnel-ca/core';
import type { SshHost as SshHostType } from '@sftunnel-ca/transport';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { writeJson, writeText } from '../output.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';
import { caKeyOption, layoutWithCaKey } from '../ca-key-option.js';
import { SessionTranscripts } from '../session-transcript.js';

/** The `schema` of `probe --json` documents. */
export const PROBE_SCHEMA_ID = 'sftunnel-ca/probe/v1';

/** The options of `probe`. */
interface ProbeFlags extends SshFlags {
  readonly fmc: string;
  readonly devices?: string;
  readonly concurrency?: string;
  readonly caKey?: string;
  readonly transcript?: string;
  readonly json?: boolean;
}

/** One appliance of a probe run: reached and probed, or why not. */
export interface ProbedAppliance {
  /** The FMC's target as given, or the inventory row's name. */
  readonly name: string;
  readonly role: 'fmc' | 'ftd';
  /** Its address. */
  readonly address: string;
  /** Whether the session was opened and the appliance probed. */
  readonly reached: boolean;
  /** Why it was not reached (`CODE: message`). */
  readonly error?: string;
  /** The interactive login's steps, in order (`expert`, `sudo`, `password`, `root`…); none for exec channels. */
  readonly loginSteps: readonly string[];
  /** Where its session's transcript was written (`--transcript`). */
  readonly transcript?: string;
  /** What the probe found, when reached. */
  readonly report?: ApplianceProbeReport;
}

/**
 * `sftunnel-ca probe`: a read-only look at the FMC and every device of an inventory, in parallel:
 * how the login went, versions, layout paths, CA key, commands, free disk, clock, tunnels.
 */
export function probeCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('probe')
    .summary('look at the FMC and each device without changing anything: login, version, paths, tools, disk, clock, tunnels')
    .description(
      'Log in to the FMC and to each device of the inventory (in parallel) and report, without writing anything: how the ' +
        'login went (strategy, and whether `id -u` says 0), the software version, every layout path with owner and mode, on ' +
        'the FMC the InternalCA’s key (--ca-key) and whether it belongs to the live CA, whether base64, sha256sum, mktemp, ' +
        'cp, mv, chmod, pmtool and sftunnel_status.pl are there, free disk, the clock offset from this machine, and the ' +
        'tunnels sftunnel_status.pl shows. With --transcript DIR, each session’s login as it went (what the appliance printed, ' +
        'what was typed, passwords shown as <password>, no command output, no key material) is written to DIR/<name>.transcript ' +
        '(0600), to share with whoever maintains the appliance. Exit 0 when every appliance was reached as root and read in full, 1 otherwise.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC, over SSH').makeOptionMandatory())
    .addOption(new Option('--devices <inventory>', 'devices to probe and how to reach them: a devices.csv, or a YAML/JSON inventory'))
    .addOption(new Option('--concurrency <n>', 'appliances probed at once (default 16)'))
    .addOption(caKeyOption())
    .addOption(new Option('--transcript <dir>', 'write each session’s login transcript (passwords and key material removed) to <dir>/<name>.transcript, mode 0600'))
    .addOption(new Option('--json', `print one JSON document (schema ${PROBE_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca probe --fmc admin@192.0.2.10 --password-file ~/.fmc-password --devices devices.csv\n' +
        '  $ sftunnel-ca probe --fmc admin@fmc.example.net --devices inventory.yaml --strategy expert --json\n' +
        '  $ sftunnel-ca probe --fmc admin@fmc.example.net --devices devices.csv --transcript ./transcripts\n',
    )
    .action(async (flags: ProbeFlags) => {
      const [{ probeAppliance }, { SshHost, runPool }, { inventoryConnect }, { resolveDeviceCredentials }, { readDevicesFile }] = await Promise.all([
        import('@sftunnel-ca/core'),
        import('@sftunnel-ca/transport'),
        import('../device-connect.js'),
        import('../device-credentials.js'),
        import('../devices-file.js'),
      ]);
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      const layout = await layoutWithCaKey(flags.caKey);
      const target = parseSshTarget(flags.fmc, '--fmc');
      const fmcOptions = await resolveSshOptions(io, target, flags);
      const devicesFile = flags.devices === undefined ? undefined : await readDevicesFile(flags.devices, io.env);
      const deviceRows = devicesFile?.rows.filter((row) => row.role !== 'fmc') ?? [];
      const credentials = devicesFile === undefined ? new Map() : await resolveDeviceCredentials(io, deviceRows, devicesFile.path);
      const now = (): Date => io.now();
      const transcripts = new SessionTranscripts(now);
      const shared = { ...sharedSshOptions(flags), onEvent: transcripts.listener };
      const connectRow = inventoryConnect(credentials, shared);
      /** `session`: the name its transport events carry. */
      type Target = { readonly name: string; readonly session: string; readonly role: 'fmc' | 'ftd'; readonly address: string; connect(signal: AbortSignal): Promise<SshHostType> };
      const targets: Target[] = [
        { name: flags.fmc, session: fmcOptions.name ?? target.host, role: 'fmc', address: target.host, connect: (signal) => SshHost.connect({ ...fmcOptions, onEvent: transcripts.listener, signal }) },
        ...deviceRows.map((row): Target => ({ name: row.name, session: row.name, role: 'ftd', address: row.address, connect: (signal) => connectRow(row, signal) })),
      ];
      const outcomes = await runPool(
        targets,
        async (item) => {
          const host = await item.connect(new AbortController().signal);
          try {
            return await probeAppliance(host, { role: item.role, now, strategy: host.strategy, layout });
          } finally {
            await host.close();
          }
        },
        { ...(concurrency === undefined ? {} : { concurrency }) },
      );
      const written = flags.transcript === undefined ? new Map<string, string>() : await transcripts.write(flags.transcript);
      const appliances = outcomes.map((outcome): ProbedAppliance => {
        const { name, role, address } = outcome.item;
        const key = outcome.item.session;
        const session = { loginSteps: transcripts.steps(key), ...(written.has(key) ? { transcript: written.get(key) } : {}) };
        if (outcome.ok) return { name, role, address, reached: true, ...session, report: outcome.value };
        const code = (outcome.error as { code?: unknown }).code;
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        return { name, role, address, reached: false, ...session, error: typeof code === 'string' ? `${code}: ${message}` : message };
      });
      const healthy = appliances.filter(isHealthy).length;
      if (flags.json === true) writeJson(io, PROBE_SCHEMA_ID, { fmc: flags.fmc, probedAt: now().toISOString(), healthy, unhealthy: appliances.length - healthy, appliances });
      else writeText(io, formatProbe(appliances));
      setExitCode(healthy === appliances.length ? EXIT_CODES.OK : EXIT_CODES.FAILED);
    });
  return addSshOptions(command);
}

/** Reached as root, every command there, the CA key (on an FMC) matching, and nothing left unread. */
function isHealthy(appliance: ProbedAppliance): boolean {
  const report = appliance.report;
  if (report === undefined) return false;
  return report.login.root && report.problems.length === 0 && report.commands.every((c) => c.present) && (report.role !== 'fmc' || report.caKey?.state === 'matches');
}

function mode(bits: number | undefined): string {
  return bits === undefined ? '' : bits.toString(8).padStart(4, '0');
}

/** The text table, then each appliance's paths, missing commands and problems. */
export function formatProbe(appliances: readonly ProbedAppliance[]): string {
  const header = ['APPLIANCE', 'ROLE', 'LOGIN', 'UID', 'VERSION', 'CA KEY', 'COMMANDS', 'FREE KiB', 'CLOCK', 'TUNNELS', 'PATHS'];
  const rows = appliances.map((a) => {
    const r = a.report;
    if (r === undefined) return [a.name, a.role, 'unreachable', '', '', '', '', '', '', '', ''];
    const free = r.freeDisk.map((d) => d.availableKiB ?? 0);
    return [
      a.name,
      a.role,
      r.login.strategy ?? '?',
      r.login.uid === undefined ? '?' : String(r.login.uid),
      r.version.text ?? '?',
      r.role === 'fmc' ? (r.caKey?.state ?? '?') : '-',
      `${r.commands.filter((c) => c.present).length}/${r.commands.length}`,
      free.length === 0 ? '?' : String(Math.min(...free)),
      r.clockOffsetMs === undefined ? '?' : `${Math.round(r.clockOffsetMs / 1000)} s`,
      r.tunnels === undefined ? '?' : `${r.tunnels.filter((t) => t.state === 'up').length}/${r.tunnels.length} up`,
      `${r.paths.filter((p) => p.present).length}/${r.paths.length}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const details = appliances.flatMap((a) => {
    const r = a.report;
    if (r === undefined) return [``, `${a.name} (${a.address}): not reached: ${a.error ?? 'unknown error'}`];
    return [
      '',
      `${a.name} (${a.address}), ${r.role}${r.login.root ? '' : `: NOT ROOT (uid ${r.login.uid ?? '?'}), renewal would fail or read as that user`}`,
      ...(a.loginSteps.length === 0 ? [] : [`  login: ${a.loginSteps.join(' → ')}`]),
      ...(a.transcript === undefined ? [] : [`  transcript: ${a.transcript}`]),
      ...r.paths.map((p) => (p.present ? `  ${mode(p.mode)} ${`${p.owner ?? '?'}:${p.group ?? '?'}`.padEnd(11)} ${p.type === 'directory' ? `${p.path}/` : p.path}` : `  missing          ${p.path}`)),
      ...r.commands.filter((c) => !c.present).map((c) => `  command not found: ${c.name}`),
      ...r.problems.map((p) => `  could not read: ${p}`),
    ];
  });
  return [line(header), ...rows.map(line), ...details].join('\n');
}
