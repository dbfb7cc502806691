import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** One `Failed to push to <name> = <path>` line of generate_certs.pl. */
export interface FailedPushNotice {
  /** The device's name. */
  readonly deviceName: string;
  /** The destination path on the device that could not be written. */
  readonly destinationPath: string;
}

/** A {@link FailedPushNotice} where it was read. */
export interface FailedPushNoticeLine extends FailedPushNotice {
  /** 1-based line number in the output. */
  readonly line: number;
}

/** What {@link parseGenerateCertsOutput} reads from generate_certs.pl's console output. */
export interface GenerateCertsOutput {
  /** Every `Failed to push to …` line, in order. */
  readonly failures: readonly FailedPushNoticeLine[];
  /** The FAILED_PUSH file the run names (`For more details check …`), when it names one. */
  readonly failedPushFile: string | undefined;
}

/** What {@link formatGenerateCertsFailures} writes. */
export interface GenerateCertsFailuresParams {
  /** The files that could not be pushed, one line each. */
  readonly failures: readonly FailedPushNotice[];
  /** The FAILED_PUSH file to name in the closing line; omitted when there were no failures. */
  readonly failedPushFile: string;
}

const FAILURE = /^Failed to push to (.+) = (\S+)$/;
const SUMMARY = /^Some files were failed to be pushed to remote peers\. For more details check (\S+)$/;

/**
 * Reads generate_certs.pl's console output (a captured session or its log) for the files it
 * could not push. Other lines are ignored, so a whole terminal session can be passed.
 *
 * @param text - the console output
 *
 * @example
 * ```ts
 * const { failures, failedPushFile } = parseGenerateCertsOutput(session);
 * // failures[0] → { deviceName: 'BSNS-1120-1', destinationPath: '/var/sf/peers/…/cacert.pem', line: 14 }
 * ```
 */
export function parseGenerateCertsOutput(text: string): GenerateCertsOutput {
  const failures: FailedPushNoticeLine[] = [];
  let failedPushFile: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const failure = FAILURE.exec(line);
    if (failure !== null) failures.push(Object.freeze({ deviceName: failure[1] ?? '', destinationPath: failure[2] ?? '', line: index + 1 }));
    failedPushFile = SUMMARY.exec(line)?.[1] ?? failedPushFile;
  });
  return Object.freeze({ failures: Object.freeze(failures), failedPushFile });
}

/**
 * Writes generate_certs.pl's report of failed pushes: one `Failed to push to <name> = <path>`
 * line per file, a blank line, and the line naming the FAILED_PUSH file. Nothing when there
 * are no failures.
 *
 * @param params - the failures and the FAILED_PUSH file
 * @throws SftunnelCaError `INVALID_ARGUMENT` when a name holds a line break or a path white space
 *
 * @example
 * ```ts
 * formatGenerateCertsFailures({ failures: parseFailedPush(text).entries, failedPushFile: failedPushPath(layout, runTime) });
 * ```
 */
export function formatGenerateCertsFailures(params: GenerateCertsFailuresParams): string {
  if (params.failures.length === 0) return '';
  const lines = params.failures.map(({ deviceName, destinationPath }) => {
    const line = `Failed to push to ${deviceName} = ${destinationPath}`;
    const parsed = FAILURE.exec(line);
    if (parsed?.[1] !== deviceName || parsed[2] !== destinationPath) {
      throw new SftunnelCaError('INVALID_ARGUMENT', `cannot write a failed push of ${JSON.stringify(deviceName)} to ${JSON.stringify(destinationPath)}: a name is one line, a path has no white space`);
    }
    return `${line}\n`;
  });
  const summary = `Some files were failed to be pushed to remote peers. For more details check ${params.failedPushFile}`;
  if (!SUMMARY.test(summary)) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `${JSON.stringify(params.failedPushFile)} is not a path without white space`);
  }
  return `${lines.join('')}\n${summary}\n`;
}
