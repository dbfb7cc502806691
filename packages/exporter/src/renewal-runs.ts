import { posix } from 'node:path';
import type { ApplianceLayout, Host, HostOperationOptions } from '@sftunnel-ca/core';

/**
 * How a renewal run left the FMC, judged from its `/var/tmp/certs/<unix-time>/` directory:
 * - `failed_push`: it wrote a non-empty FAILED_PUSH (some devices still need their files copied);
 * - `complete`: no FAILED_PUSH, and the InternalCA it staged (`cacert.pem`) is the live one.
 *
 * A directory that is neither (staged but never delivered, or superseded since) is not a renewal.
 */
export type RenewalOutcome = 'complete' | 'failed_push';

/** The start time (Unix seconds) of the newest run of each outcome; absent when there is none. */
export type RenewalRuns = Readonly<Partial<Record<RenewalOutcome, number>>>;

/** Options of {@link readRenewalRuns}. */
export interface ReadRenewalRunsOptions extends HostOperationOptions {
  /** Appliance paths: where runs are (`fmc.failedPushDirectory`) and the FAILED_PUSH name. */
  readonly layout: ApplianceLayout;
  /** The live InternalCA file (sftunnel.conf's `proxy_cacert`). */
  readonly liveCaCertificate: string;
}

const RUN_DIRECTORY = /^\d{1,12}$/;

/**
 * Finds the newest renewal run of each {@link RenewalOutcome} on an FMC, by listing the run
 * directories (named by their Unix start time) and comparing sha256 digests: no file is read.
 *
 * @param host - the FMC, as root
 * @param options - layout and the live CA's path
 */
export async function readRenewalRuns(host: Host, options: ReadRenewalRunsOptions): Promise<RenewalRuns> {
  const { layout, liveCaCertificate, ...operation } = options;
  const root = layout.fmc.failedPushDirectory;
  if (!(await host.exists(root, operation))) return {};
  const runs = (await host.list(root, operation)).filter((entry) => RUN_DIRECTORY.test(entry)).sort((a, b) => Number(b) - Number(a));
  const liveCa = (await host.stat(liveCaCertificate, operation)).sha256;
  const found: Partial<Record<RenewalOutcome, number>> = {};
  for (const run of runs) {
    if (found.complete !== undefined && found.failed_push !== undefined) break;
    const outcome = await outcomeOf(host, posix.join(root, run), layout, liveCa, operation);
    if (outcome !== undefined) found[outcome] ??= Number(run);
  }
  return found;
}

async function outcomeOf(host: Host, directory: string, layout: ApplianceLayout, liveCa: string, operation: HostOperationOptions): Promise<RenewalOutcome | undefined> {
  const failedPush = posix.join(directory, layout.fmc.failedPushFileName);
  if ((await host.exists(failedPush, operation)) && (await host.stat(failedPush, operation)).size > 0) return 'failed_push';
  const staged = posix.join(directory, layout.peerFiles.caCertificate);
  if ((await host.exists(staged, operation)) && (await host.stat(staged, operation)).sha256 === liveCa) return 'complete';
  return undefined;
}
