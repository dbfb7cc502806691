import type { ApplianceFaults, LabFaults } from '@sftunnel-ca/lab';

/**
 * The lab's slow fault set, from the vendor copy script's transcript (`test/fixtures/domain/copy-run.log`):
 * "Attempting connection" → "Connected" took 2 s (FTDv) and 4 s (FMCpri); "Copying certificates" →
 * "Closing connection" (three files and `pmtool restartbyid sftunnel`, about six shell lines after
 * the login) fit in one second; a dead device was given up after 20 s ("Could not connect").
 */
export const REALISTIC_LATENCY = {
  /** Connect and log in: spread evenly from 2 s to 4 s across the fleet. */
  loginLatencyMs: { min: 2_000, max: 4_000 },
  /**
   * Every command, shell line, login step and SFTP operation: ~6 lines ≈ 1 s of copy and restart.
   * On the expert path it also delays `expert` at the CLI, the `sudo su` line and sudo's password
   * check: three more round trips per login.
   */
  commandLatencyMs: 150,
  /** How long a client waits for a dead device before giving up (the copy script's 20 s). */
  connectTimeoutMs: 20_000,
} as const;

/** The faults of one device of a realistic-latency fleet; a dead one black-holes SSH (the client waits its connect timeout). */
export function realisticDeviceFaults(index: number, count: number, dead: boolean): ApplianceFaults {
  const { min, max } = REALISTIC_LATENCY.loginLatencyMs;
  const loginLatencyMs = Math.round(min + ((max - min) * index) / Math.max(1, count - 1));
  return { loginLatencyMs, latencyMs: REALISTIC_LATENCY.commandLatencyMs, ...(dead ? { silent: true } : {}) };
}

/**
 * Realistic latency for every device (the FMC stays fast: the renewer runs beside it), with `dead`
 * of them unreachable, spread evenly through the fleet.
 */
export function realisticFleetFaults(deviceNames: readonly string[], dead = 0): LabFaults {
  const every = dead > 0 ? deviceNames.length / dead : Number.POSITIVE_INFINITY;
  const deadIndexes = new Set(Array.from({ length: dead }, (_, k) => Math.floor(k * every + every - 1)));
  return Object.fromEntries(deviceNames.map((name, index) => [name, realisticDeviceFaults(index, deviceNames.length, deadIndexes.has(index))]));
}
