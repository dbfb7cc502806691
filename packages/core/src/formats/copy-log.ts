import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/**
 * The steps copy_sftunnel_certs.py logs for a device, in the order it takes them; and `failed`, our
 * line saying why a device connected to was not copied (`Failed to copy certificates to <name>:
 * <reason>`), just before its `closing` line (the vendor's log gives no reason there).
 */
export type CopyLogEventKind = 'attempting' | 'connected' | 'not-ha-peer' | 'copying' | 'copied' | 'restarting' | 'closing' | 'could-not-connect' | 'failed';

/** One timestamped line of the copy log. */
export interface CopyLogEvent {
  /** Which step. */
  readonly kind: CopyLogEventKind;
  /** When it happened (the log shows whole seconds). */
  readonly at: Date;
  /** For `failed`: why, on one line, e.g. `CONNECT_TIMEOUT: …`; absent for the other kinds. */
  readonly reason?: string;
}

/** One device's section of the copy log: the result record of one device of a copy run. */
export interface CopyLogRecord {
  /** The device's name, as in devices.csv. */
  readonly device: string;
  /** What happened, in order; the first is always `attempting`. */
  readonly events: readonly CopyLogEvent[];
}

/** Options of {@link formatCopyLog} and {@link parseCopyLog}. */
export interface CopyLogOptions {
  /** The offset of the clock the log's times are in, in minutes east of UTC. Default 0 (UTC). */
  readonly utcOffsetMinutes?: number;
}

const SEPARATOR = '=====';
const MESSAGES: Readonly<Record<CopyLogEventKind, (device: string, reason?: string) => string>> = {
  attempting: (device) => `Attempting connection to ${device}`,
  connected: (device) => `Connected to ${device}`,
  'not-ha-peer': (device) => `${device} is not an HA-peer. Certificates will not be copied`,
  copying: () => 'Copying certificates to peer',
  copied: (device) => `Successfully copied certificates to ${device}`,
  restarting: (device) => `Restarting sftunnel for ${device}`,
  closing: (device) => `Closing connection with ${device}`,
  'could-not-connect': (device) => `Could not connect to ${device}`,
  failed: (device, reason) => `${failedPrefix(device)}${reason ?? ''}`,
};
const KINDS = Object.keys(MESSAGES) as CopyLogEventKind[];
const ATTEMPTING = MESSAGES.attempting('');

function failedPrefix(device: string): string {
  return `Failed to copy certificates to ${device}: `;
}
const EVENT_LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) - (.*)$/;

/**
 * Writes the log copy_sftunnel_certs.py prints: a `=====` line, then per device a blank
 * line, its timestamped events, a blank line and `=====`.
 *
 * @param records - one record per device, in run order
 * @param options - the clock's offset from UTC
 * @throws SftunnelCaError `INVALID_ARGUMENT` for a record without events, one that does not
 *   start with `attempting`, a name with a line break, an invalid date, or a `failed` event
 *   without a one-line reason
 *
 * @example
 * ```ts
 * const at = (s: string) => new Date(`2024-11-12T14:08:${s}Z`);
 * formatCopyLog([{ device: 'BSNS-1120-1', events: [
 *   { kind: 'attempting', at: at('00') }, { kind: 'could-not-connect', at: at('20') } ] }]);
 * ```
 */
export function formatCopyLog(records: readonly CopyLogRecord[], options: CopyLogOptions = {}): string {
  const offset = offsetMilliseconds(options);
  const sections = records.map(({ device, events }) => {
    if (device === '' || device.includes('\n') || events[0]?.kind !== 'attempting') {
      throw new SftunnelCaError('INVALID_ARGUMENT', `a copy log record needs a one-line device name and starts with an attempting event; ${JSON.stringify(device)} does not`);
    }
    const lines = events.map(({ kind, at, reason }) => {
      const written = Number.isNaN(at.getTime()) ? '' : timestamp(at, offset);
      if (!KINDS.includes(kind) || !/^[1-9]\d{3}-/.test(written)) {
        throw new SftunnelCaError('INVALID_ARGUMENT', `the copy log record of ${JSON.stringify(device)} has an unknown event or a date outside the years 1000–9999`);
      }
      if (kind === 'failed' && (reason === undefined || reason === '' || /[\r\n\u2028\u2029]/.test(reason))) {
        throw new SftunnelCaError('INVALID_ARGUMENT', `the failed event of ${JSON.stringify(device)} needs a reason on one line`);
      }
      return `${written} - ${MESSAGES[kind](device, reason)}\n`;
    });
    return `\n${lines.join('')}\n${SEPARATOR}\n`;
  });
  return `${SEPARATOR}\n${sections.join('')}`;
}

/**
 * Reads a log of copy_sftunnel_certs.py (or copy_sftunnel_certs_jumpserver.py) back into one
 * record per device.
 *
 * @param text - the log
 * @param options - the clock's offset from UTC, and the file name for errors (default `copy.log`)
 * @throws SftunnelCaError `COPY_LOG_SYNTAX` with the line number of the first line out of place
 *
 * @example
 * ```ts
 * const unreachable = parseCopyLog(log).filter((r) => r.events.some((e) => e.kind === 'could-not-connect'));
 * ```
 */
export function parseCopyLog(text: string, options: CopyLogOptions & { readonly file?: string } = {}): readonly CopyLogRecord[] {
  const offset = offsetMilliseconds(options);
  const file = options.file ?? 'copy.log';
  const lines = text.split('\n');
  const fail = (index: number, message: string): never => {
    throw new SftunnelCaError('COPY_LOG_SYNTAX', message, { file, line: index + 1, step: 'parse' });
  };
  if (lines.pop() !== '') fail(lines.length, 'the log does not end with a line break');
  if (lines[0] !== SEPARATOR) fail(0, `the log starts with a ${SEPARATOR} line`);
  const records: CopyLogRecord[] = [];
  let index = 1;
  while (index < lines.length) {
    if (lines[index] !== '') fail(index, `a device section starts with a blank line after ${SEPARATOR}`);
    index += 1;
    const events: CopyLogEvent[] = [];
    let device = '';
    for (; index < lines.length && lines[index] !== ''; index += 1) {
      const match = EVENT_LINE.exec(lines[index] ?? '') ?? fail(index, 'expected `YYYY-MM-DD HH:MM:SS - <message>`');
      const [year = 0, month = 0, day, hour, minute, second] = match.slice(1, 7).map(Number);
      const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offset);
      if (timestamp(at, offset) !== match[0].slice(0, 19)) fail(index, 'the timestamp is not a valid date and time');
      const text = match[7] ?? '';
      if (events.length === 0) {
        if (!text.startsWith(ATTEMPTING) || text.length === ATTEMPTING.length) fail(index, `a device section starts with \`${ATTEMPTING}<name>\``);
        device = text.slice(ATTEMPTING.length);
      }
      const failed = text.startsWith(failedPrefix(device)) && text.length > failedPrefix(device).length ? text.slice(failedPrefix(device).length) : undefined;
      if (failed !== undefined) {
        events.push(Object.freeze({ kind: 'failed' as const, at, reason: failed }));
        continue;
      }
      const kind = KINDS.find((k) => k !== 'failed' && MESSAGES[k](device) === text) ?? fail(index, `not a message the copy script logs for ${JSON.stringify(device)}`);
      events.push(Object.freeze({ kind, at }));
    }
    if (events.length === 0) fail(index, 'a device section holds at least one event line');
    if (lines[index] !== '' || lines[index + 1] !== SEPARATOR) fail(index + 1, `a device section ends with a blank line and ${SEPARATOR}`);
    index += 2;
    records.push(Object.freeze({ device, events: Object.freeze(events) }));
  }
  return Object.freeze(records);
}

function offsetMilliseconds(options: CopyLogOptions): number {
  const minutes = options.utcOffsetMinutes ?? 0;
  if (!Number.isInteger(minutes) || Math.abs(minutes) > 24 * 60) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `utcOffsetMinutes must be a whole number of minutes within a day, not ${minutes}`);
  }
  return minutes * 60_000;
}

/** `YYYY-MM-DD HH:MM:SS` of a date on a clock `offset` milliseconds east of UTC. */
function timestamp(at: Date, offset: number): string {
  return new Date(at.getTime() + offset).toISOString().slice(0, 19).replace('T', ' ');
}
