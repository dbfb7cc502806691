import { appendFile } from 'node:fs/promises';
import { syslogTime } from './time-format.js';

/** Why one side of a tunnel refused the other's certificate, as OpenSSL's verify callback says it. */
export interface VerifyFailure {
  /** Depth in the chain: 0 the peer's certificate, 1 the InternalCA. */
  readonly depth: number;
  /** OpenSSL's verify error number: 10 expired, 9 not yet valid, 7 signature failure, 20 unknown issuer, … */
  readonly errorNumber: number;
  /** OpenSSL's verify error text, e.g. `certificate has expired`. */
  readonly reason: string;
  /** The failing certificate's issuer, one-line form (`/title=InternalCA/OU=…`). */
  readonly issuer: string;
  /** The failing certificate's subject, one-line form. */
  readonly subject: string;
}

/** One syslog line of sftunneld, timestamped at `at`. */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/** Writes an appliance's messages log the way sftunneld does (one per appliance). */
export class SftunnelLog {
  readonly #path: string;
  readonly #host: string;
  readonly #pid: number;
  #thread: number;
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param path - the log's path on disk
   * @param host - the appliance's host name
   * @param pid - the SF-IMS process id to write
   */
  constructor(path: string, host: string, pid: number) {
    this.#path = path;
    this.#host = host;
    this.#pid = pid;
    this.#thread = pid + 1000;
  }

  /** A new thread id for one connection attempt. */
  nextThread(): number {
    this.#thread += 1;
    return this.#thread;
  }

  /**
   * Appends lines (in order; {@link SftunnelLog.flush} waits for them), each `<time> <host> SF-IMS[<pid>]: [<thread>] sftunneld:sf_ssl [<LEVEL>] <text>`.
   *
   * @returns when they are on disk
   */
  write(at: Date, thread: number, lines: readonly (readonly [LogLevel, string])[]): Promise<void> {
    const prefix = `${syslogTime(at)} ${this.#host} SF-IMS[${this.#pid}]: [${thread}] sftunneld:sf_ssl`;
    const text = lines.map(([level, message]) => `${prefix} [${level}] ${message}\n`).join('');
    this.#queue = this.#queue.then(() => appendFile(this.#path, text)).catch(() => undefined);
    return this.#queue;
  }

  /** Resolves when every line written so far is on disk. */
  flush(): Promise<void> {
    return this.#queue;
  }
}

/** The alert a side sends when it refuses the other's certificate, as the other side's OpenSSL reports it. */
export function alertFor(failure: VerifyFailure): string {
  if (failure.errorNumber === 10) return 'error:14094415:SSL routines:ssl3_read_bytes:sslv3 alert certificate expired';
  if (failure.errorNumber === 20 || failure.errorNumber === 19) return 'error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca';
  return 'error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate';
}

/** The lines of the side that refused a certificate (the seed's FTD lines). */
export function refusalLines(failure: VerifyFailure, side: 'device' | 'manager'): [LogLevel, string][] {
  const lines: [LogLevel, string][] = [
    ['ERROR', `-Error with certificate at depth: ${failure.depth}`],
    ['ERROR', `issuer = ${failure.issuer}`],
    ['ERROR', `subject = ${failure.subject}`],
    ['ERROR', `err ${failure.errorNumber}:${failure.reason}`],
    ['ERROR', 'SSL_renegotiate error: 1: error:00000001:lib(0):func(0):reason(1)'],
  ];
  if (side === 'device') lines.push(['ERROR', 'Connect:SSL handshake failed'], ['WARN', `SSL Verification status: ${failure.reason}`]);
  else lines.push(['WARN', 'establishConnectionUtil: SSL handshake failed'], ['WARN', `establishConnectionUtil: SSL Verification status: ${failure.reason}`]);
  return lines;
}

/** The lines of the FMC whose certificate a device refused (the seed's FMC lines). */
export function managerRejectedLines(failure: VerifyFailure, deviceAddress: string): [LogLevel, string][] {
  return [
    ['INFO', 'VERIFY ssl_verify_callback_initial ok=1!'],
    ['ERROR', 'SSL_renegotiate error: 1: error:00000001:lib(0):func(0):reason(1)'],
    ['WARN', 'establishConnectionUtil: SSL handshake failed'],
    ['WARN', 'establishConnectionUtil: SSL Verification status: ok'],
    ['WARN', `establishConnectionUtil: SSL handshake failed: ${alertFor(failure)}`],
    ['INFO', `establishConnectionUtil: Failed to connect using SSL to: '${deviceAddress}'`],
    ['ERROR', 'establishSSLConnection: Unable to connect with both threads:'],
    ['ERROR', 'establishSSLConnection: ret_accept status : Too many levels of symbolic links'],
    ['ERROR', 'establishSSLConnection: iret_connect status: Too many levels of symbolic links'],
    ['ERROR', `establishSSLConnection: Failed connecting with SSL to using to: '${deviceAddress}' rval[40] *CA cert from FMC`],
  ];
}

/** The lines of the device whose certificate the FMC refused. */
export function deviceRejectedLines(failure: VerifyFailure): [LogLevel, string][] {
  return [
    ['ERROR', 'SSL_renegotiate error: 1: error:00000001:lib(0):func(0):reason(1)'],
    ['ERROR', 'Connect:SSL handshake failed'],
    ['WARN', `SSL handshake failed: ${alertFor(failure)}`],
  ];
}

/** The device's lines as it starts a connection attempt. */
export function attemptLines(managerAddress: string): [LogLevel, string][] {
  return [
    ['INFO', `Initiating IPv4 connection to ${managerAddress}:8305/tcp`],
    ['INFO', `Wait to connect to 8305 (IPv4): ${managerAddress}`],
  ];
}
