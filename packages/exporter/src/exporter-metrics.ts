import { Counter, Gauge, Registry, type LabelValues } from 'prom-client';
import type { FmcReading } from './fmc-reading.js';

/** The name of every metric the exporter publishes. */
export const METRIC_NAMES = {
  caNotAfter: 'sftunnel_ca_not_after_timestamp_seconds',
  caNotBefore: 'sftunnel_ca_not_before_timestamp_seconds',
  caInfo: 'sftunnel_ca_info',
  deviceCertNotAfter: 'sftunnel_device_cert_not_after_timestamp_seconds',
  deviceChainValid: 'sftunnel_device_chain_valid',
  tunnelUp: 'sftunnel_tunnel_up',
  expiryAlertLevel: 'sftunnel_expiry_alert_level',
  lastRenewal: 'sftunnel_last_renewal_timestamp_seconds',
  collectDuration: 'sftunnel_collect_duration_seconds',
  collectErrors: 'sftunnel_collect_errors_total',
  lastSuccess: 'sftunnel_last_success_timestamp_seconds',
} as const;

type FmcGauge<L extends string> = Gauge<'fmc' | L>;

/**
 * The exporter's metrics in a prom-client registry, and how readings become series. Values are
 * set when a collection ends, so a scrape only formats what is already there. Series of an FMC
 * that a newer reading no longer has (a removed device, a replaced CA) are removed; a failed
 * collection leaves the last values in place (their age is `sftunnel_last_success_timestamp_seconds`).
 */
export class ExporterMetrics {
  /** The registry holding the metrics. */
  readonly registry: Registry;
  readonly #caNotAfter: FmcGauge<never>;
  readonly #caNotBefore: FmcGauge<never>;
  readonly #caInfo: FmcGauge<'fmc_uuid' | 'fingerprint_sha256' | 'serial'>;
  readonly #deviceCertNotAfter: FmcGauge<'device' | 'uuid'>;
  readonly #deviceChainValid: FmcGauge<'device'>;
  readonly #tunnelUp: FmcGauge<'device'>;
  readonly #alertLevel: FmcGauge<never>;
  readonly #lastRenewal: FmcGauge<'outcome'>;
  readonly #lastSuccess: FmcGauge<never>;
  readonly #collectDuration: Gauge;
  readonly #collectErrors: Counter<'fmc' | 'reason'>;
  /** The label sets written per FMC and metric, to remove those a newer reading drops. */
  readonly #written = new Map<string, Map<object, readonly LabelValues<string>[]>>();

  /**
   * @param registry - where to register the metrics; default a new registry
   */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): FmcGauge<L> =>
      new Gauge({ name, help, labelNames: ['fmc', ...labelNames], registers });
    this.#caNotAfter = gauge(METRIC_NAMES.caNotAfter, 'notAfter of the FMC’s live InternalCA, as a Unix timestamp.', []);
    this.#caNotBefore = gauge(METRIC_NAMES.caNotBefore, 'notBefore of the FMC’s live InternalCA, as a Unix timestamp.', []);
    this.#caInfo = gauge(METRIC_NAMES.caInfo, 'The FMC’s live InternalCA: its FMC UUID (CN), SHA-256 fingerprint and serial number; always 1.', ['fmc_uuid', 'fingerprint_sha256', 'serial']);
    this.#deviceCertNotAfter = gauge(METRIC_NAMES.deviceCertNotAfter, 'notAfter of the sftunnel certificate the FMC made for a device (certs_pushed), as a Unix timestamp.', ['device', 'uuid']);
    this.#deviceChainValid = gauge(METRIC_NAMES.deviceChainValid, '1 when the device’s pushed certificate verifies against the FMC’s live InternalCA, else 0.', ['device']);
    this.#tunnelUp = gauge(METRIC_NAMES.tunnelUp, '1 when sftunnel_status.pl shows both the control and the event channel to the device valid, else 0.', ['device']);
    this.#alertLevel = gauge(METRIC_NAMES.expiryAlertLevel, 'The FMC health alert for the InternalCA (VDB ≥ 399): 0 ok, 1 warning (expires within 90 days), 2 expired.', []);
    this.#lastRenewal = gauge(METRIC_NAMES.lastRenewal, 'Start of the newest renewal run of each outcome under /var/tmp/certs (complete, failed_push), as a Unix timestamp.', ['outcome']);
    this.#lastSuccess = gauge(METRIC_NAMES.lastSuccess, 'When the FMC was last read successfully, as a Unix timestamp (0: never); older values are stale.', []);
    this.#collectDuration = new Gauge({ name: METRIC_NAMES.collectDuration, help: 'How long the last collection round (every FMC) took, in seconds.', registers });
    this.#collectErrors = new Counter({ name: METRIC_NAMES.collectErrors, help: 'Failed readings of an FMC, by reason (the error code, lowercase).', labelNames: ['fmc', 'reason'], registers });
  }

  /**
   * Declares an FMC before its first reading: its last success is 0 (never), so staleness alerts see it.
   *
   * @param fmc - the `fmc` label
   */
  declare(fmc: string): void {
    if (this.#written.has(fmc)) return;
    this.#written.set(fmc, new Map());
    this.#lastSuccess.set({ fmc }, 0);
  }

  /**
   * Publishes a successful reading of an FMC, replacing its previous series.
   *
   * @param fmc - the `fmc` label
   * @param reading - what was read
   * @param at - when the reading ended (the last success)
   */
  record(fmc: string, reading: FmcReading, at: Date): void {
    this.declare(fmc);
    const { ca } = reading;
    this.#replace(fmc, this.#caNotAfter, [[{}, ca.notAfterSeconds]]);
    this.#replace(fmc, this.#caNotBefore, [[{}, ca.notBeforeSeconds]]);
    this.#replace(fmc, this.#caInfo, [[{ fmc_uuid: reading.fmcUuid, fingerprint_sha256: ca.fingerprintSha256, serial: ca.serial }, 1]]);
    this.#replace(fmc, this.#alertLevel, [[{}, ca.alertLevel]]);
    this.#replace(fmc, this.#deviceCertNotAfter, reading.devices.map((d) => [{ device: d.device, uuid: d.uuid }, d.certificateNotAfterSeconds]));
    this.#replace(fmc, this.#deviceChainValid, reading.devices.map((d) => [{ device: d.device }, d.chainValid ? 1 : 0]));
    this.#replace(fmc, this.#tunnelUp, reading.tunnels.map((t) => [{ device: t.device }, t.up ? 1 : 0]));
    this.#replace(fmc, this.#lastRenewal, Object.entries(reading.renewals).map(([outcome, seconds]) => [{ outcome }, seconds]));
    this.#lastSuccess.set({ fmc }, at.getTime() / 1000);
  }

  /**
   * Counts a failed reading of an FMC; its other series keep their last values.
   *
   * @param fmc - the `fmc` label
   * @param reason - a short, bounded reason (the error code, lowercase)
   */
  recordError(fmc: string, reason: string): void {
    this.declare(fmc);
    this.#collectErrors.inc({ fmc, reason });
  }

  /**
   * Publishes how long a whole collection round took.
   *
   * @param seconds - the round's duration
   */
  recordRound(seconds: number): void {
    this.#collectDuration.set(seconds);
  }

  /** Sets an FMC's series of one metric to `entries`, removing the label sets it wrote before and no longer has. */
  #replace<L extends string>(fmc: string, gauge: FmcGauge<L>, entries: readonly (readonly [Omit<LabelValues<L>, 'fmc'>, number])[]): void {
    const perMetric = this.#written.get(fmc) ?? new Map<object, readonly LabelValues<string>[]>();
    this.#written.set(fmc, perMetric);
    const next = entries.map(([labels, value]) => {
      const full = { ...labels, fmc } as LabelValues<'fmc' | L>;
      gauge.set(full, value);
      return full;
    });
    const keep = new Set(next.map(labelKey));
    for (const old of perMetric.get(gauge) ?? []) if (!keep.has(labelKey(old))) gauge.remove(old as LabelValues<'fmc' | L>);
    perMetric.set(gauge, next);
  }
}

function labelKey(labels: LabelValues<string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
