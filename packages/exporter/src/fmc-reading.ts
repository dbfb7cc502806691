import {
  DEFAULT_APPLIANCE_LAYOUT,
  SftunnelCaError,
  inspectFmc,
  isSftunnelCaError,
  parseSftunnelStatus,
  verifyIssuedBy,
  type ApplianceLayout,
  type Certificate,
  type DeviceIdentity,
  type Host,
  type HostOperationOptions,
} from '@sftunnel-ca/core';
import { readRenewalRuns, type RenewalRuns } from './renewal-runs.js';

/** Options of {@link readFmc}. */
export interface ReadFmcOptions {
  /** The moment of the reading (the expiry alert level is computed for it). */
  readonly now: Date;
  /** Appliance paths; default the vendor's. */
  readonly layout?: ApplianceLayout;
  /**
   * Names and addresses of devices by UUID, for FMCs whose peer directories have no
   * `sftunnel.json`; what the FMC's own files say wins.
   */
  readonly inventory?: Readonly<Record<string, DeviceIdentity>>;
  /** The command that prints the tunnel status; default `sftunnel_status.pl`. */
  readonly tunnelStatusCommand?: string;
  /** Cancels the commands still to run. */
  readonly signal?: AbortSignal;
}

/** The health alert level of the VDB ≥ 399 check, as a number: 0 ok, 1 warning within 90 days, 2 expired. */
export type ExpiryAlertLevel = 0 | 1 | 2;

/** One device of an {@link FmcReading}. */
export interface DeviceReading {
  /** The device's UUID. */
  readonly uuid: string;
  /** Its name, else its UUID: the `device` label. */
  readonly device: string;
  /** Its address, when known (the tunnel status is matched by address). */
  readonly address: string | undefined;
  /** notAfter of the certificate the FMC made for it, in Unix seconds. */
  readonly certificateNotAfterSeconds: number;
  /** Whether that certificate verifies (issuer name and signature) against the FMC's live InternalCA. */
  readonly chainValid: boolean;
}

/** One peer of `sftunnel_status.pl`, labelled with the device it is. */
export interface TunnelReading {
  /** The device's name (or UUID); the peer address when no known device has it. */
  readonly device: string;
  /** Whether both the control and the event channel are valid. */
  readonly up: boolean;
}

/** Everything the exporter publishes about one FMC, read at one moment. Plain data, no secrets. */
export interface FmcReading {
  /** The FMC's UUID (CN of its InternalCA). */
  readonly fmcUuid: string;
  /** The live InternalCA. */
  readonly ca: {
    readonly notBeforeSeconds: number;
    readonly notAfterSeconds: number;
    /** SHA-256 fingerprint, as core's `Certificate.fingerprintSha256` writes it. */
    readonly fingerprintSha256: string;
    /** Serial number, lowercase hexadecimal without `0x`. */
    readonly serial: string;
    /** The health alert level at the reading's `now`. */
    readonly alertLevel: ExpiryAlertLevel;
  };
  /** Every device the FMC holds a pushed certificate for, in UUID order. */
  readonly devices: readonly DeviceReading[];
  /** Every peer `sftunnel_status.pl` lists. */
  readonly tunnels: readonly TunnelReading[];
  /** The newest renewal run of each outcome found under the FAILED_PUSH directory. */
  readonly renewals: RenewalRuns;
}

const ALERT_LEVELS = { none: 0, warning: 1, error: 2 } as const satisfies Record<string, ExpiryAlertLevel>;

/**
 * Reads what the exporter publishes about one FMC, changing nothing: core's `inspectFmc` (the
 * live InternalCA and every device's pushed certificate), whether each pushed certificate
 * verifies against that CA (`chainValid`: what the FMC knows, no device is contacted),
 * `sftunnel_status.pl` (tunnel up per peer), and the renewal runs under `/var/tmp/certs/`.
 *
 * @param host - the FMC, as root
 * @param options - the clock, layout, inventory and status command
 * @throws SftunnelCaError from `inspectFmc` and the host; `COMMAND_FAILED` when the status command fails
 *
 * @example
 * ```ts
 * const reading = await readFmc(fmc, { now: new Date() });
 * console.log(reading.ca.alertLevel, reading.tunnels.filter((t) => !t.up).map((t) => t.device));
 * ```
 */
export async function readFmc(host: Host, options: ReadFmcOptions): Promise<FmcReading> {
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const operation: HostOperationOptions = options.signal === undefined ? {} : { signal: options.signal };
  const inspection = await inspectFmc(host, { now: options.now, layout });
  const ca = inspection.ca.certificate;
  const devices = await Promise.all(
    inspection.devices.map(async (inspected): Promise<DeviceReading> => {
      const known = options.inventory?.[inspected.uuid];
      const certificate = inspected.pushedCertificate.certificate;
      return {
        uuid: inspected.uuid,
        device: inspected.name ?? known?.name ?? inspected.uuid,
        address: inspected.address ?? known?.address,
        certificateNotAfterSeconds: unixSeconds(certificate.notAfter),
        chainValid: await issuedBy(certificate, ca),
      };
    }),
  );
  const command = options.tunnelStatusCommand ?? 'sftunnel_status.pl';
  const status = await host.run(command, operation);
  if (status.code !== 0) {
    throw new SftunnelCaError('COMMAND_FAILED', `${command} exited with status ${status.code}: ${(status.stderr || status.stdout).trim().slice(0, 200)}`, {
      host: host.name,
      step: 'tunnel-status',
    });
  }
  const byAddress = new Map(devices.flatMap((d) => (d.address === undefined ? [] : [[d.address, d.device] as const])));
  const tunnels = parseSftunnelStatus(status.stdout).map((peer): TunnelReading => ({ device: byAddress.get(peer.address) ?? peer.address, up: peer.state === 'up' }));
  return {
    fmcUuid: inspection.fmcUuid,
    ca: {
      notBeforeSeconds: unixSeconds(ca.notBefore),
      notAfterSeconds: unixSeconds(ca.notAfter),
      fingerprintSha256: ca.fingerprintSha256,
      serial: ca.serialNumber.toString(16),
      alertLevel: ALERT_LEVELS[inspection.ca.verdict.healthAlert],
    },
    devices,
    tunnels,
    renewals: await readRenewalRuns(host, { layout, liveCaCertificate: inspection.livePaths.caCertificate, ...operation }),
  };
}

/** Whether `certificate` was signed by `ca` (names and signature; validity is what the timestamps are for). */
async function issuedBy(certificate: Certificate, ca: Certificate): Promise<boolean> {
  try {
    await verifyIssuedBy(certificate, ca);
    return true;
  } catch (error) {
    if (isSftunnelCaError(error, 'NOT_ISSUED_BY_CA') || isSftunnelCaError(error, 'NOT_A_CA')) return false;
    throw error;
  }
}

/** A date as whole Unix seconds, as certificates count them. */
function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
