import { monthIndex } from './month-names.js';

/**
 * Why a tunnel failed, read from the messages log:
 * - `CA_EXPIRED`: this side found the InternalCA (depth ≥ 1) expired (`err 10:certificate has expired`);
 * - `PEER_REJECTED_EXPIRED`: the peer rejected this side's chain as expired (`sslv3 alert certificate expired`);
 * - `HANDSHAKE_FAILED`: the TLS handshake failed for another reason (other verify errors, a CA mismatch, an expired device certificate);
 * - `CONNECT_FAILED`: no connection was made;
 * - `UNKNOWN`: sftunnel logged errors this diagnosis does not recognise.
 */
export type MessagesCause = 'CA_EXPIRED' | 'PEER_REJECTED_EXPIRED' | 'HANDSHAKE_FAILED' | 'CONNECT_FAILED' | 'UNKNOWN';

/** One failed connection attempt of sftunnel, diagnosed. */
export interface MessagesFinding {
  /** Why the attempt failed. */
  readonly cause: MessagesCause;
  /** The time of the decisive line, as the log writes it (`Sep 20 04:10:47`). */
  readonly timestamp: string;
  /** The host that logged it (`FTD-hostname`). */
  readonly host: string;
  /** The logging process (`SF-IMS`). */
  readonly process: string;
  /** Its process id, when logged. */
  readonly pid: number | undefined;
  /** The address of the other side of the tunnel, when logged. */
  readonly peerAddress: string | undefined;
  /** The depth in the chain of the certificate that failed verification (1 is the InternalCA). */
  readonly depth: number | undefined;
  /** The failing certificate's issuer, as logged (`/title=InternalCA/OU=…/CN=<FMC UUID>/O=…`). */
  readonly issuer: string | undefined;
  /** The failing certificate's subject, as logged. */
  readonly subject: string | undefined;
  /** The decisive message (`err 10:certificate has expired`). */
  readonly reason: string;
  /** 1-based line number of the decisive line. */
  readonly line: number;
  /** What to do about it. */
  readonly action: string;
}

/** Options of `diagnoseMessages`. */
export interface DiagnoseMessagesOptions {
  /** Longer lines are cut to this many characters. Default 65,536. */
  readonly maxLineLength?: number;
  /** Connection attempts followed at once (one per process and thread); the oldest is reported when more are open. Default 1,024. */
  readonly maxOpenAttempts?: number;
  /** Lines of one process and thread further apart than this many seconds belong to different attempts. Default 10. */
  readonly attemptGapSeconds?: number;
}

/** The action for each cause. */
export const MESSAGES_ACTIONS: Readonly<Record<MessagesCause, string>> = Object.freeze({
  CA_EXPIRED:
    'The InternalCA has expired: renew it now (generate_certs.pl or sftunnel-ca) and deliver the new files to every device whose push fails; do not reboot or upgrade anything until every device has the new files.',
  PEER_REJECTED_EXPIRED:
    'The peer rejected this side’s certificate as expired, so the InternalCA has expired: renew it now and deliver the new files to every device; do not reboot or upgrade anything until every device has the new files.',
  HANDSHAKE_FAILED:
    'The TLS handshake failed: check that the FMC and the device hold the same, current InternalCA and certificates signed with SHA-256 or stronger (compare the two cacert.pem), then copy the FMC’s files to the device and run pmtool restartbyid sftunnel.',
  CONNECT_FAILED: 'No connection to the peer: check that it is up and reaches TCP port 8305 (routing, firewalls), then check the tunnel with sftunnel_status.pl.',
  UNKNOWN: 'sftunnel logged errors this diagnosis does not recognise: read the lines around the one named, and check the tunnel with sftunnel_status.pl.',
});

const SYSLOG = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: (?:\[(\d+)\] )?(\S+) \[([A-Z]+)\] ?(.*)$/;
/** Lines that begin a connection attempt, and the peer address they name. */
const ATTEMPT_START = /Initiating IPv[46] connection to \[?([0-9A-Fa-f:.]+?)\]?:\d+\/tcp/;
/** Other lines that name the peer. */
const PEER_ADDRESS = [/Wait to connect to \d+ \(IPv[46]\): (\S+)/, /^Connected to (\S+) from/, /to: '([^']+)'/, /connected to '([^']+)'/];
const DEPTH = /Error with certificate at depth: (\d+)/;
const EXPIRED = /certificate has expired/;
const PEER_REJECTED = /sslv3 alert certificate expired/;
const HANDSHAKE = /handshake fail|^err \d+:|Post Handshake Auth|needs re-connect/i;
const CONNECT = /fail(?:ed)? (?:to )?connect|unable to connect|connection refused|timed out|no route to host/i;

interface Evidence {
  readonly timestamp: string;
  readonly line: number;
  readonly reason: string;
}

interface Attempt {
  readonly host: string;
  readonly process: string;
  readonly pid: number | undefined;
  peerAddress: string | undefined;
  depth: number | undefined;
  issuer: string | undefined;
  subject: string | undefined;
  lastSecond: number;
  expired?: Evidence;
  peerRejected?: Evidence;
  handshake?: Evidence;
  connect?: Evidence;
  error?: Evidence;
}

/**
 * The diagnosis as a push parser, for logs that arrive line by line (e.g. `tail -f`): feed
 * it lines, collect the findings each call returns, and call {@link MessagesDiagnoser.end}
 * at the end. It keeps at most `maxOpenAttempts` attempts open, so memory stays constant.
 *
 * @example
 * ```ts
 * const diagnoser = new MessagesDiagnoser();
 * tail.on('line', (line: string) => diagnoser.feed(line).forEach(report));
 * tail.on('close', () => diagnoser.end().forEach(report));
 * ```
 */
export class MessagesDiagnoser {
  readonly #attempts = new Map<string, Attempt>();
  readonly #maxOpen: number;
  readonly #gap: number;
  #line = 0;

  /** @param options - limits of the diagnosis */
  constructor(options: DiagnoseMessagesOptions = {}) {
    this.#maxOpen = Math.max(1, options.maxOpenAttempts ?? 1024);
    this.#gap = options.attemptGapSeconds ?? 10;
  }

  /**
   * Reads the next line of the log.
   *
   * @param text - one line, without its line break
   * @returns the attempts this line closed, diagnosed (usually none)
   */
  feed(text: string): MessagesFinding[] {
    this.#line += 1;
    const match = SYSLOG.exec(text);
    if (match === null) return [];
    const [, timestamp = '', host = '', process = '', pid, thread, component = '', level, message = ''] = match;
    if (!component.startsWith('sftunnel')) return [];
    const findings: MessagesFinding[] = [];
    const key = `${host}\0${process}\0${pid ?? ''}\0${thread ?? ''}`;
    const second = secondsOf(timestamp);
    const address = ATTEMPT_START.exec(message)?.[1] ?? PEER_ADDRESS.map((p) => p.exec(message)?.[1]).find((a) => a !== undefined);
    let attempt = this.#attempts.get(key);
    if (
      attempt !== undefined &&
      (ATTEMPT_START.test(message) || Math.abs(second - attempt.lastSecond) > this.#gap || (address !== undefined && attempt.peerAddress !== undefined && address !== attempt.peerAddress))
    ) {
      findings.push(...diagnose(attempt));
      attempt = undefined;
    }
    attempt ??= { host, process, pid: pid === undefined ? undefined : Number(pid), peerAddress: undefined, depth: undefined, issuer: undefined, subject: undefined, lastSecond: second };
    this.#attempts.delete(key);
    this.#attempts.set(key, attempt);
    attempt.lastSecond = second;
    attempt.peerAddress ??= address;

    const evidence: Evidence = { timestamp, line: this.#line, reason: message };
    const depth = DEPTH.exec(message)?.[1];
    if (depth !== undefined) attempt.depth = Number(depth);
    if (message.startsWith('issuer = ')) attempt.issuer = message.slice(9);
    if (message.startsWith('subject = ')) attempt.subject = message.slice(10);
    if (EXPIRED.test(message)) attempt.expired ??= evidence;
    if (PEER_REJECTED.test(message)) attempt.peerRejected ??= evidence;
    if (HANDSHAKE.test(message)) attempt.handshake ??= evidence;
    if (CONNECT.test(message)) attempt.connect ??= evidence;
    if (level === 'ERROR') attempt.error ??= evidence;

    if (this.#attempts.size > this.#maxOpen) {
      const [oldestKey, oldest] = this.#attempts.entries().next().value as [string, Attempt];
      this.#attempts.delete(oldestKey);
      findings.push(...diagnose(oldest));
    }
    return findings;
  }

  /** Closes every open attempt: call once at the end of the log. */
  end(): MessagesFinding[] {
    const findings = [...this.#attempts.values()].flatMap(diagnose);
    this.#attempts.clear();
    return findings;
  }
}

/**
 * Diagnoses sftunnel failures in an FTD's `/ngfw/var/log/messages` or an FMC's
 * `/var/log/messages`: one finding per failed connection attempt, with its cause and what to do.
 *
 * Given a string, returns the findings. Given a stream (a `Readable`, or any async iterable
 * of text or bytes), reads it line by line in constant memory and yields the findings as
 * attempts close, so a log of any size can be read.
 *
 * @param source - the log's text
 * @param options - limits of the diagnosis
 *
 * @example
 * ```ts
 * for await (const finding of diagnoseMessages(createReadStream('/ngfw/var/log/messages'))) {
 *   if (finding.cause === 'CA_EXPIRED') console.log(finding.timestamp, finding.issuer, finding.action);
 * }
 * ```
 */
export function diagnoseMessages(source: string, options?: DiagnoseMessagesOptions): readonly MessagesFinding[];
/**
 * Diagnoses a stream of the log (a `Readable`, or any async iterable of text or bytes) line
 * by line in constant memory, yielding findings as attempts close.
 *
 * @param source - the log as a stream
 * @param options - limits of the diagnosis
 */
export function diagnoseMessages(source: AsyncIterable<string | Uint8Array>, options?: DiagnoseMessagesOptions): AsyncGenerator<MessagesFinding>;
export function diagnoseMessages(
  source: string | AsyncIterable<string | Uint8Array>,
  options: DiagnoseMessagesOptions = {},
): readonly MessagesFinding[] | AsyncGenerator<MessagesFinding> {
  const maxLineLength = options.maxLineLength ?? 65_536;
  if (typeof source !== 'string') return diagnoseStream(source, options, maxLineLength);
  const diagnoser = new MessagesDiagnoser(options);
  const findings = source.split('\n').flatMap((line) => diagnoser.feed(trimLine(line, maxLineLength)));
  return Object.freeze([...findings, ...diagnoser.end()]);
}

async function* diagnoseStream(source: AsyncIterable<string | Uint8Array>, options: DiagnoseMessagesOptions, maxLineLength: number): AsyncGenerator<MessagesFinding> {
  const diagnoser = new MessagesDiagnoser(options);
  for await (const line of readLines(source, maxLineLength)) yield* diagnoser.feed(line);
  yield* diagnoser.end();
}

/** The lines of a stream, each cut to `maxLength`, holding no more than one chunk and one line at a time. */
async function* readLines(source: AsyncIterable<string | Uint8Array>, maxLength: number): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      yield trimLine(pending + text.slice(start, Math.min(newline, start + maxLength)), maxLength);
      pending = '';
      start = newline + 1;
    }
    if (pending.length < maxLength) pending += text.slice(start, start + maxLength - pending.length);
  }
  pending += decoder.decode();
  if (pending !== '') yield trimLine(pending, maxLength);
}

function trimLine(line: string, maxLength: number): string {
  const cut = line.length > maxLength ? line.slice(0, maxLength) : line;
  return cut.endsWith('\r') ? cut.slice(0, -1) : cut;
}

/** The attempt's finding, or none when it logged no failure. */
function diagnose(attempt: Attempt): MessagesFinding[] {
  const { expired, peerRejected, handshake, connect, error, depth } = attempt;
  const [cause, evidence]: [MessagesCause, Evidence | undefined] =
    expired !== undefined ? [depth === 0 ? 'HANDSHAKE_FAILED' : 'CA_EXPIRED', expired]
    : peerRejected !== undefined ? ['PEER_REJECTED_EXPIRED', peerRejected]
    : handshake !== undefined ? ['HANDSHAKE_FAILED', handshake]
    : connect !== undefined ? ['CONNECT_FAILED', connect]
    : ['UNKNOWN', error];
  if (evidence === undefined) return [];
  return [
    Object.freeze({
      cause,
      timestamp: evidence.timestamp,
      host: attempt.host,
      process: attempt.process,
      pid: attempt.pid,
      peerAddress: attempt.peerAddress,
      depth: attempt.depth,
      issuer: attempt.issuer,
      subject: attempt.subject,
      reason: evidence.reason,
      line: evidence.line,
      action: MESSAGES_ACTIONS[cause],
    }),
  ];
}

/** Seconds since the start of the year (BSD syslog has no year), or since 1970 for ISO times. */
function secondsOf(timestamp: string): number {
  const month = monthIndex(timestamp.slice(0, 3));
  if (month === -1) return Math.floor(Date.parse(timestamp) / 1000) || 0;
  const [day = 0, hour = 0, minute = 0, second = 0] = timestamp.slice(4).trim().split(/[ :]/).map(Number);
  return ((month * 31 + day) * 24 + hour) * 3600 + minute * 60 + second;
}
