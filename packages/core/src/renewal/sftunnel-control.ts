import { setTimeout as delay } from 'node:timers/promises';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { parseSftunnelStatus } from '../formats/sftunnel-status.js';
import type { Host } from '../host/host.js';
import { shellWord } from '../host/shell-word.js';

/** The restart command of the manual method. */
export const SFTUNNEL_RESTART_COMMAND = 'pmtool restartbyid sftunnel';

/**
 * `pmtool restartbyid sftunnel` on an appliance: its tunnels drop and reconnect with the files on disk now.
 *
 * @throws SftunnelCaError `RESTART_FAILED` when it exits non-zero
 */
export async function restartSftunnel(host: Host, step: string, signal?: AbortSignal): Promise<void> {
  const result = await host.run(SFTUNNEL_RESTART_COMMAND, signal === undefined ? {} : { signal });
  if (result.code !== 0) {
    throw new SftunnelCaError('RESTART_FAILED', `${SFTUNNEL_RESTART_COMMAND} exited ${result.code} on ${host.name}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: host.name, step });
  }
}

/**
 * The peer addresses whose tunnel the FMC shows up (`sftunnel_status.pl`, optionally for one peer).
 *
 * @throws SftunnelCaError `COMMAND_FAILED` when the status command fails
 */
export async function tunnelsUp(fmc: Host, address?: string): Promise<Set<string>> {
  const result = await fmc.run(address === undefined ? 'sftunnel_status.pl' : `sftunnel_status.pl ${shellWord(address)}`);
  if (result.code !== 0) {
    throw new SftunnelCaError('COMMAND_FAILED', `sftunnel_status.pl exited ${result.code} on ${fmc.name}`, { host: fmc.name, step: 'tunnel' });
  }
  return new Set(parseSftunnelStatus(result.stdout).filter((peer) => peer.state === 'up').map((peer) => peer.address));
}

/** Options of {@link waitForTunnelUp}. */
export interface WaitForTunnelOptions {
  /** How long a reconnect may take, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between two looks at the FMC's status, in milliseconds; default 1,000. */
  readonly intervalMs?: number;
  /** Cancels the wait. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until the FMC shows the tunnel of `address` up, asking `sftunnel_status.pl` until the
 * deadline (a reconnect takes a handshake or more; a loaded appliance takes longer).
 *
 * @returns whether the tunnel came up in time
 */
export async function waitForTunnelUp(fmc: Host, address: string, options: WaitForTunnelOptions): Promise<boolean> {
  const deadline = performance.now() + options.timeoutMs; // a monotonic timer, not the wall clock
  for (;;) {
    if ((await tunnelsUp(fmc, address)).has(address)) return true;
    if (performance.now() >= deadline) return false;
    await delay(options.intervalMs ?? 1000, undefined, options.signal === undefined ? {} : { signal: options.signal });
  }
}
