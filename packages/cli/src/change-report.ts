import type { PhaseSpan } from '@sftunnel-ca/core';
import type { ChangeOutcome, ChangeRecord } from './change-record.js';
import { terminalSafe } from './terminal-text.js';

/** A column of a report table. */
export interface ReportColumn {
  /** Its heading. */
  readonly title: string;
  /** `code`: fingerprints, UUIDs and error codes, in a fixed-width font; `outcome`: a device's outcome, which HTML colours; default text. */
  readonly kind?: 'code' | 'outcome';
}

/** One section of a change report: facts (label: value), a table, and a list, each optional. */
export interface ReportSection {
  /** Its heading. */
  readonly title: string;
  /** Label and value pairs. */
  readonly facts?: readonly (readonly [string, string])[];
  /** A table. */
  readonly table?: { readonly columns: readonly ReportColumn[]; readonly rows: readonly (readonly string[])[] };
  /** A list of sentences. */
  readonly items?: readonly string[];
}

/**
 * A change record laid out for people: a title and sections of plain text. Every string in it is
 * one visible line — escape sequences dropped, control characters shown as escapes (device names
 * and messages are untrusted) — and not yet escaped for any format: the Markdown and HTML
 * renderers escape it for theirs.
 */
export interface ChangeReport {
  /** The title. */
  readonly title: string;
  /** The sections, in order. */
  readonly sections: readonly ReportSection[];
}

const OUTCOMES: Readonly<Record<ChangeOutcome, string>> = {
  done: 'DONE: every device renewed',
  'devices-failed': 'DEVICES FAILED: some devices are not renewed (see below)',
  interrupted: 'INTERRUPTED: resume with the command below',
  stopped: 'STOPPED: the run ended on an error',
};

/**
 * Lays a change record out as a report: summary (outcome, change window, journal), what was
 * planned, each device's before and after fingerprints with its outcome and code, and what to do next.
 *
 * @param record - from `ChangeRecorder.finish`
 */
export function changeReport(record: ChangeRecord): ChangeReport {
  const sections: ReportSection[] = [summary(record)];
  // An error's further lines (a plan mismatch's differences, say) as a list of their own.
  const details = record.error?.message.split('\n').slice(1).map((line) => line.replace(/^\s*-\s*/, '')).filter((line) => line.trim() !== '') ?? [];
  if (details.length > 0) sections.push({ title: 'Why it stopped', items: details });
  if (record.plan !== undefined) sections.push(planned(record));
  sections.push(devices(record));
  sections.push({ title: 'What to do next', items: record.nextSteps.length > 0 ? record.nextSteps : ['Nothing: the change is complete.'] });
  return deepVisible({ title: `sftunnel-ca change record: renew of ${record.fmc}`, sections });
}

function summary(record: ChangeRecord): ReportSection {
  const window = record.changeWindow;
  const facts: [string, string][] = [
    ['Outcome', OUTCOMES[record.outcome]],
    ['FMC', `${record.fmc}${record.plan === undefined ? '' : ` (${record.plan.fmc.uuid})`}`],
    ['Run', span({ startedAt: record.startedAt, finishedAt: record.finishedAt, durationMs: record.durationMs })],
    ['Change window', window === undefined ? 'none: no live file of the FMC changed' : span(window)],
    ['FMC on the new InternalCA', record.fmcSwitched === undefined ? 'unknown' : record.fmcSwitched ? 'yes' : 'no'],
  ];
  if (record.approvedPlan !== undefined) facts.push(['Approved plan', `${record.approvedPlan.path} (sha256 ${record.approvedPlan.sha256})`]);
  if (record.stagingDirectory !== undefined) facts.push(['Staged on the FMC', record.stagingDirectory]);
  if (record.failedPushPath !== undefined) facts.push(['FAILED_PUSH', record.failedPushPath]);
  if (record.journalPath !== undefined) facts.push(['Journal', record.journalPath]);
  facts.push(['Inventory', record.devicesFile]);
  if (record.error !== undefined) facts.push(['Error', `${record.error.code}: ${record.error.message.split('\n', 1)[0] ?? ''}`]);
  return { title: 'Summary', facts };
}

function planned(record: ChangeRecord): ReportSection {
  const plan = record.plan;
  if (plan === undefined) return { title: 'What was planned' };
  const { options } = plan;
  const count = (action: string): number => plan.devices.filter((device) => device.action === action).length;
  return {
    title: 'What was planned',
    facts: [
      ['InternalCA replaced', `SHA-256 ${plan.fmc.ca.fingerprintSha256}, serial ${plan.fmc.ca.serial}, notAfter ${plan.fmc.ca.notAfter}`],
      ['InternalCA key', `${plan.fmc.caKey.path}: ${plan.fmc.caKey.state}`],
      ['Generator', plan.generator ?? 'not available on the FMC'],
      ['Devices', `${count('re-key')} re-keyed, ${count('leave-out')} left out (copy later), ${count('not-covered')} not covered, ${plan.devices.filter((d) => d.canary).length} canaries`],
      [
        'Options',
        `canary ${options.canary}; leave out ${options.leaveOut.length === 0 ? 'none' : options.leaveOut.join(', ')}; backdate ${options.backdate ?? '1d (default)'}; ` +
          `generator ${options.generator ?? 'default'}; CA key ${options.caKey ?? 'default path'}; staging ${options.staging ?? 'new'}; allow unreachable ${options.allowUnreachable ? 'yes' : 'no'}`,
      ],
    ],
    table: {
      columns: [{ title: 'Device' }, { title: 'Address' }, { title: 'UUID', kind: 'code' }, { title: 'Action' }, { title: 'Tunnel (as seen)' }, { title: 'Certificate SHA-256 on the FMC', kind: 'code' }],
      rows: plan.devices.map((device) => [device.name ?? '(no name)', device.address ?? '', device.uuid, `${device.action}${device.canary ? ' (canary)' : ''}`, device.tunnel, device.certificate.fingerprintSha256]),
    },
  };
}

function devices(record: ChangeRecord): ReportSection {
  return {
    title: 'Devices: before and after',
    ...(record.devices.length === 0 ? { items: ['No device was reached.'] } : {}),
    table: {
      columns: [
        { title: 'Device' },
        { title: 'Address' },
        { title: 'Outcome', kind: 'outcome' },
        { title: 'Code', kind: 'code' },
        { title: 'Certificate SHA-256 before', kind: 'code' },
        { title: 'Certificate SHA-256 after', kind: 'code' },
        { title: 'CA SHA-256 after', kind: 'code' },
        { title: 'Detail' },
      ],
      rows: record.devices.map((device) => [
        device.name,
        device.address,
        device.outcome,
        device.cause ?? '',
        device.before.certificateFingerprintSha256 ?? 'unread',
        device.after.certificateFingerprintSha256 ?? 'unread',
        device.after.caFingerprintSha256 ?? 'unread',
        device.message ?? (device.alreadyDelivered ? 'already delivered (resumed)' : ''),
      ]),
    },
  };
}

/** `2026-12-06T08:00:00.000Z → 2026-12-06T08:01:02.500Z (1m 2.5s)` */
function span(time: PhaseSpan): string {
  return `${time.startedAt} → ${time.finishedAt} (${duration(time.durationMs)})`;
}

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(1);
  return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}

/** One visible line: what a terminal would obey is shown as an escape; newlines and tabs too. */
function visible(text: string): string {
  return terminalSafe(text).replaceAll('\n', '\\n').replaceAll('\t', '\\t');
}

function deepVisible(report: ChangeReport): ChangeReport {
  return {
    title: visible(report.title),
    sections: report.sections.map((section) => ({
      title: visible(section.title),
      ...(section.facts === undefined ? {} : { facts: section.facts.map(([label, value]) => [visible(label), visible(value)] as const) }),
      ...(section.table === undefined ? {} : { table: { columns: section.table.columns.map((c) => ({ ...c, title: visible(c.title) })), rows: section.table.rows.map((row) => row.map(visible)) } }),
      ...(section.items === undefined ? {} : { items: section.items.map(visible) }),
    })),
  };
}
