import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { DEFAULT_APPLIANCE_LAYOUT, fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { runBounded } from './bounded-run.js';
import { copyOnHost } from './copy-on-host.js';
import { bringTunnelsUp, createDeviceRun, finishRun, runOnDevice, type DeviceRunOptions } from './device-run.js';
import type { RenewalJournal } from './journal.js';
import type { RenewalPlan } from './plan.js';
import type { RenewalResult } from './renewal-result.js';
import { queuedHost } from './queued-host.js';
import { remoteDigests } from './remote-digest.js';
import { restartSftunnel } from './sftunnel-control.js';
import { sha256 } from './sha256.js';

/** Options of {@link rollbackRenewal}. */
export interface RollbackRenewalOptions extends DeviceRunOptions {
  /** Roll back only these devices (UUIDs or names); default every device of the plan. */
  readonly only?: readonly string[];
  /**
   * Restore the FMC's live files too (and restart its sftunnel); default true when every device of
   * the plan is rolled back, false otherwise (devices then wait on the FMC's old CA: use it only
   * while the FMC has not switched).
   */
  readonly fmc?: boolean;
  /** The run's journal: where backups were kept (default `<file>.backup`); rollbacks are recorded. */
  readonly journal?: RenewalJournal;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /** Operations on the FMC at once; default 1. */
  readonly fmcConcurrency?: number;
}

/**
 * Puts the files a renewal replaced back, byte for byte, from their backups, in the same order as
 * a delivery and for the same reason: devices first without restarting them (their tunnels stay
 * up), then the FMC's live files and one FMC restart, then a restart of each device whose tunnel
 * did not come back. Works while the old CA is still valid; an expired old CA brings no tunnel back.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param plan - the plan of the renewal to undo
 * @param options - how to reach devices, which ones, the journal
 * @returns one record per device (`rolled-back`, `failed` or `not-started`)
 *
 * @example
 * ```ts
 * const result = await rollbackRenewal(fmc, plan, { connect, now: () => new Date(), journal });
 * console.log(result.counts['rolled-back']);
 * ```
 */
export async function rollbackRenewal(fmcHost: Host, plan: RenewalPlan, options: RollbackRenewalOptions): Promise<RenewalResult> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const startedAt = options.now();
  const only = options.only === undefined ? undefined : new Set(options.only);
  const devices = plan.devices.filter((d) => only === undefined || only.has(d.uuid) || only.has(d.name));
  const restoreFmc = options.fmc ?? devices.length === plan.devices.length;
  const { journal } = options;
  options.onEvent?.({ type: 'run:start', fmc: fmc.name, stagingDirectory: plan.stagingDirectory, devices: devices.length });
  const runs = devices.map((device) => createDeviceRun(device, { backups: journal?.delivered(device.uuid)?.backups ?? {} }));
  const backupOf = (backups: Readonly<Record<string, string>>, key: string, path: string): string => backups[key] ?? `${path}${layout.backupSuffix}`;

  await runBounded(runs, options.concurrency ?? 16, (run) =>
    runOnDevice(run, options, async (host, signal, step) => {
      step('write');
      for (const file of run.device.files) {
        const original = await host.readFile(backupOf(run.backups, file.destination, file.destination), { signal });
        await host.writeFileAtomic(file.destination, original, { signal, mode: layout.peerFileMode, owner: layout.peerFileOwner, group: layout.peerFileGroup });
        step('verify');
        if ((await host.stat(file.destination, { signal })).sha256 !== sha256(original)) {
          throw new SftunnelCaError('INTEGRITY_MISMATCH', `${file.destination} on ${host.name} does not hold its backup after the rollback`, { host: host.name, step: 'verify', file: file.destination });
        }
      }
      run.outcome = 'delivered';
    }),
  );

  // The FMC's record of each rolled-back device, and with `fmc` its live files: from their backups, where there are any.
  const fmcBackups = journal?.fmcSwitch?.backups ?? {};
  const restores = runs
    .filter((r) => r.outcome === 'delivered')
    .flatMap((r) => {
      const pushed = fmcPushedFiles(layout, r.device.uuid);
      return [pushed.sftunnelCertificate, pushed.sftunnelKey].map((path) => ({ path, mode: path === pushed.sftunnelKey ? 0o600 : 0o644 }));
    });
  if (restoreFmc) {
    const live = plan.livePaths;
    restores.push(...[live.caCrl, live.sftunnelCertificate, live.caCertificate].map((path) => ({ path, mode: 0o644 })), { path: live.sftunnelKey, mode: 0o600 });
  }
  const sources = restores.map((r) => ({ ...r, backup: backupOf(fmcBackups, r.path, r.path) }));
  const digests = await remoteDigests(fmc, sources.map((s) => s.backup), 'rollback');
  const copies = sources.flatMap((s) => {
    const digest = digests.get(s.backup);
    return digest === undefined ? [] : [{ source: s.backup, destination: s.path, sha256: digest.sha256, mode: s.mode }];
  });
  if (restoreFmc) options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'start' });
  await copyOnHost(fmc, copies, 'rollback');
  if (restoreFmc) {
    await restartSftunnel(fmc, 'rollback');
    options.onEvent?.({ type: 'fmc:switch', fmc: fmc.name, phase: 'done' });
  }
  await bringTunnelsUp(
    fmc,
    runs.filter((r) => r.outcome === 'delivered'),
    options,
    async (run) => {
      run.outcome = 'rolled-back';
      await journal?.record({ type: 'rolled-back', uuid: run.device.uuid });
    },
  );
  return finishRun({ fmc: fmc.name, stagingDirectory: plan.stagingDirectory, fmcSwitched: !restoreFmc && journal?.fmcSwitch !== undefined, stopped: undefined, failedPushPath: undefined }, runs, startedAt, options);
}
