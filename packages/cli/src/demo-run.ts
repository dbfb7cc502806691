import {
  Certificate,
  Secret,
  SftunnelCaError,
  deliverRenewal,
  expiryVerdict,
  ftdPeerFiles,
  inspectFmc,
  planRenewal,
  prepareRenewal,
  type DeviceOutcome,
  type ExpiryVerdict,
  type RenewalEvent,
  type RenewalPlan,
  type SftunnelPeerState,
  type SftunnelStatusPeer,
} from '@sftunnel-ca/core';
import { startLab, type Lab } from '@sftunnel-ca/lab';
import type { SshHost } from '@sftunnel-ca/transport';
import type { FleetInterruption } from './fleet-interruption.js';
import { readFmcTunnels } from './fmc-tunnels.js';
import { connectPinned } from './pinned-ssh.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** How many FTDs the lab has. */
  readonly devices: number;
  /** How many of their tunnels are down at start (the first ones). */
  readonly down: number;
  /** Devices renewed at once; default the engine's. */
  readonly concurrency?: number;
  /** Receives the demo's progress. */
  readonly onEvent?: (event: DemoEvent) => void;
  /** Ctrl-C: the demo stops between stages or before the FMC switches, and stops its lab all the same. */
  readonly interruption?: FleetInterruption;
}

/** What the demo reports while it runs: its stages, and the renewal's own events. */
export type DemoEvent =
  | { readonly type: 'lab:up'; readonly fmc: string; readonly devices: number }
  | { readonly type: 'check'; readonly verdict: ExpiryVerdict; readonly tunnelsUp: number; readonly tunnels: number }
  | { readonly type: 'plan'; readonly plan: RenewalPlan }
  | { readonly type: 'renewal'; readonly event: RenewalEvent }
  | { readonly type: 'verify'; readonly verified: number; readonly devices: number }
  | { readonly type: 'lab:down' };

/** One device at the end of the demo. */
export interface DemoDevice {
  readonly name: string;
  readonly address: string;
  /** Its tunnel before the renewal, as the FMC showed it. */
  readonly tunnelBefore: SftunnelPeerState | 'unknown';
  /** Its tunnel after it. */
  readonly tunnelAfter: SftunnelPeerState | 'unknown';
  /** How the renewal ended for it. */
  readonly outcome: DeviceOutcome;
  /** Whether its `cacert.pem` is the new InternalCA. */
  readonly newCa: boolean;
}

/** The demo's outcome: data, for the command to render. */
export interface DemoOutcome {
  /** The lab FMC renewed, `user@address:port` (stopped by the time the demo returns). */
  readonly fmc: string;
  /** The InternalCA before and after (sha256 fingerprints) and the new one's notAfter. */
  readonly ca: { readonly oldFingerprintSha256: string; readonly newFingerprintSha256: string; readonly newNotAfter: string };
  /** Every device, in plan order. */
  readonly devices: readonly DemoDevice[];
  /** Devices whose tunnel is up on the new CA. */
  readonly verified: number;
  /** The FAILED_PUSH the renewal wrote, if any. */
  readonly failedPushPath: string | undefined;
  /** Wall time of the whole demo (lab start to stop), in milliseconds. */
  readonly durationMs: number;
}

/**
 * Starts a lab whose InternalCA has expired, checks, plans, prepares and delivers the renewal
 * over real SSH (CLI → expert → sudo, host keys pinned), verifies every tunnel from the FMC's
 * `sftunnel_status.pl` and every device's `cacert.pem`, and stops the lab, whatever happens.
 *
 * @throws SftunnelCaError `RUN_INTERRUPTED` when interrupted (the lab stopped and its directory removed)
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoOutcome> {
  const emit = options.onEvent ?? ((): void => undefined);
  const started = Date.now();
  const lab = await startLab({ devices: options.devices, caState: 'expired', tunnels: { down: Array.from({ length: options.down }, (_, index) => index) } });
  try {
    const target = `${lab.fmc.username}@${lab.fmc.address}:${lab.fmc.sshPort}`;
    emit({ type: 'lab:up', fmc: target, devices: lab.devices.length });
    stopIfInterrupted(options.interruption);
    const connected = await connectPinned(lab.fmc, new Secret(lab.fmc.password), { strategy: 'expert' });
    const fmc = options.interruption?.guardFmc(connected) ?? connected;
    try {
      return { fmc: target, ...(await renewLab(lab, fmc, options, emit)), durationMs: Date.now() - started };
    } finally {
      await fmc.close();
    }
  } finally {
    await lab.stop();
    emit({ type: 'lab:down' });
  }
}

async function renewLab(lab: Lab, fmc: SshHost, options: RunDemoOptions, emit: (event: DemoEvent) => void): Promise<Omit<DemoOutcome, 'fmc' | 'durationMs'>> {
  const now = lab.clock.now();
  const inspection = await inspectFmc(fmc, { now, layout: lab.layout });
  const before = tunnelsByAddress(await readFmcTunnels(fmc));
  emit({ type: 'check', verdict: expiryVerdict(inspection.ca.certificate, now), tunnelsUp: countUp(before), tunnels: before.size });
  const plan = planRenewal(inspection, { now });
  emit({ type: 'plan', plan });
  const prepared = await prepareRenewal(fmc, inspection, plan, { now, onEvent: (event) => emit({ type: 'renewal', event }) });
  stopIfInterrupted(options.interruption);
  const connect = (device: { readonly name: string }, signal: AbortSignal): Promise<SshHost> =>
    connectPinned(lab.appliance(device.name), new Secret(lab.appliance(device.name).password), { strategy: 'expert', signal });
  const result = await deliverRenewal(fmc, plan, prepared, {
    connect: options.interruption?.guardConnect(connect, (device) => device.name) ?? connect,
    now: () => lab.clock.now(),
    layout: lab.layout,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onEvent: (event) => {
      options.interruption?.observe(event);
      emit({ type: 'renewal', event });
    },
  });
  const after = tunnelsByAddress(await readFmcTunnels(fmc));
  const newFingerprint = prepared.ca.certificate.fingerprintSha256;
  const caFile = ftdPeerFiles(lab.layout, inspection.fmcUuid).caCertificate;
  const byName = [...result.devices].sort((a, b) => a.name.localeCompare(b.name));
  const devices = await Promise.all(
    byName.map(async (device): Promise<DemoDevice> => ({
      name: device.name,
      address: device.address,
      tunnelBefore: before.get(device.address) ?? 'unknown',
      tunnelAfter: after.get(device.address) ?? 'unknown',
      outcome: device.outcome,
      newCa: Certificate.fromPem(await lab.readFile(device.name, caFile), caFile).fingerprintSha256 === newFingerprint,
    })),
  );
  const verified = devices.filter((device) => device.tunnelAfter === 'up' && device.newCa).length;
  emit({ type: 'verify', verified, devices: devices.length });
  return {
    ca: { oldFingerprintSha256: inspection.ca.certificate.fingerprintSha256, newFingerprintSha256: newFingerprint, newNotAfter: prepared.ca.certificate.notAfter },
    devices,
    verified,
    failedPushPath: result.failedPushPath,
  };
}

function tunnelsByAddress(peers: readonly SftunnelStatusPeer[]): Map<string, SftunnelPeerState> {
  return new Map(peers.map((peer) => [peer.address, peer.state]));
}

function countUp(tunnels: ReadonlyMap<string, SftunnelPeerState>): number {
  return [...tunnels.values()].filter((state) => state === 'up').length;
}

function stopIfInterrupted(interruption: FleetInterruption | undefined): void {
  if (interruption?.requested === true) throw new SftunnelCaError('RUN_INTERRUPTED', 'the demo was interrupted', { step: 'demo' });
}
