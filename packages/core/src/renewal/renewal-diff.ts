import type { CertificateSummary } from './certificate-summary.js';
import type { RenewalPlan } from './plan.js';
import type { PreparedRenewal } from './prepared-manifest.js';

/** Old → new of one certificate. */
export interface CertificateChange {
  /** Before. */
  readonly from: Pick<CertificateSummary, 'fingerprintSha256' | 'serial' | 'notAfter'>;
  /** After. */
  readonly to: Pick<CertificateSummary, 'fingerprintSha256' | 'serial' | 'notAfter'>;
}

/** What a delivery would change on one device. */
export interface DeviceDiff {
  /** Its UUID. */
  readonly uuid: string;
  /** Its name. */
  readonly name: string;
  /** Its CA (`cacert.pem`). */
  readonly ca: CertificateChange;
  /** Its certificate (`sftunnel-cert.pem`); the key changes with it. */
  readonly certificate: CertificateChange;
}

/** The dry run of a prepared renewal: what would change, where. Computing it changes nothing. */
export interface RenewalDiff {
  /** The FMC's CA. */
  readonly ca: CertificateChange;
  /** The FMC's own certificate. */
  readonly fmcCertificate: CertificateChange;
  /** Each device, in plan order. */
  readonly devices: readonly DeviceDiff[];
}

/**
 * The per-device differences a delivery of `prepared` would make: old → new CA fingerprint,
 * serials and notAfter. Pure: reads nothing, changes nothing.
 *
 * @param plan - the plan
 * @param prepared - the renewal prepared for it
 * @example
 * ```ts
 * console.log(formatRenewalDiff(renewalDiff(plan, prepared)));
 * ```
 */
export function renewalDiff(plan: RenewalPlan, prepared: PreparedRenewal): RenewalDiff {
  const pick = (s: CertificateSummary): CertificateChange['from'] => ({ fingerprintSha256: s.fingerprintSha256, serial: s.serial, notAfter: s.notAfter });
  const ca = { from: pick(plan.fmc.ca), to: pick(prepared.ca.certificate) };
  const staged = new Map(prepared.devices.map((d) => [d.uuid, d.certificate.certificate]));
  return {
    ca,
    fmcCertificate: { from: pick(plan.fmc.certificate), to: pick(prepared.fmc.certificate.certificate) },
    devices: plan.devices.flatMap((device) => {
      const next = staged.get(device.uuid);
      return next === undefined ? [] : [{ uuid: device.uuid, name: device.name, ca, certificate: { from: pick(device.current), to: pick(next) } }];
    }),
  };
}

/**
 * The dry run as text, one line per certificate change.
 *
 * @param diff - from {@link renewalDiff}
 *
 * @example
 * ```ts
 * console.log(formatRenewalDiff(renewalDiff(plan, prepared)));
 * ```
 */
export function formatRenewalDiff(diff: RenewalDiff): string {
  const line = (label: string, change: CertificateChange): string =>
    `${label}: ${change.from.fingerprintSha256.slice(0, 16)}… serial ${change.from.serial} notAfter ${change.from.notAfter} -> ` +
    `${change.to.fingerprintSha256.slice(0, 16)}… serial ${change.to.serial} notAfter ${change.to.notAfter}`;
  return [line('InternalCA', diff.ca), line('FMC certificate', diff.fmcCertificate), ...diff.devices.map((d) => line(`${d.name} certificate`, d.certificate))].join('\n') + '\n';
}
