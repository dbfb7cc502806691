import type { Certificate } from './certificate.js';

/** The vendor's three verdicts on a certificate's expiry, the one list every reader and schema takes them from. */
export const EXPIRY_VERDICT_KINDS = ['expired', 'expiring', 'valid'] as const;

/** The vendor's three verdicts on a certificate's expiry. */
export type ExpiryVerdictKind = (typeof EXPIRY_VERDICT_KINDS)[number];

/**
 * The level of the FMC health alert (VDB ≥ 399): `none`; `warning` within 90 days of expiry;
 * `error` once expired.
 */
export type HealthAlertLevel = 'none' | 'warning' | 'error';

/** What {@link expiryVerdict} says of a certificate at a moment. */
export interface ExpiryVerdict {
  /** `expired`; `expiring` within 30 days; `valid` for more than 30 days. */
  readonly kind: ExpiryVerdictKind;
  /** Whole days since expiry (`expired`) or left (otherwise), counted as the vendor's check does. */
  readonly days: number;
  /** The certificate's notAfter. */
  readonly notAfter: Date;
  /** The health alert level at that moment. */
  readonly healthAlert: HealthAlertLevel;
  /** The vendor's message, one sentence a line, without the surrounding blank lines. */
  readonly message: string;
}

const DAY_SECONDS = 86_400;

/**
 * The vendor's expiry check (the tech note's bash one-liner) as a function: compares notAfter
 * with `now` in whole seconds; expired when notAfter ≤ now; expiring when notAfter ≤ now + 30
 * days; days by integer division of the difference by 86,400, as bash does.
 *
 * @param certificate - a certificate, or its notAfter
 * @param now - the moment of the check
 * @example
 * ```ts
 * const verdict = expiryVerdict(Certificate.fromPem(caPem), new Date());
 * if (verdict.kind !== 'valid') console.log(verdict.message);
 * ```
 */
export function expiryVerdict(certificate: Certificate | Date, now: Date): ExpiryVerdict {
  const notAfter = certificate instanceof Date ? certificate : certificate.notAfter;
  const expirySeconds = Math.floor(notAfter.getTime() / 1000);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const healthAlert: HealthAlertLevel =
    expirySeconds <= nowSeconds ? 'error' : expirySeconds <= nowSeconds + 90 * DAY_SECONDS ? 'warning' : 'none';
  if (expirySeconds <= nowSeconds) {
    const days = Math.trunc((nowSeconds - expirySeconds) / DAY_SECONDS);
    return {
      kind: 'expired',
      days,
      notAfter,
      healthAlert,
      message:
        `The certificate has expired ${days} days ago.\n` +
        'In case the sftunnel communication with the FTD is not yet lost, you need to take action immediately in renewing the certificate.',
    };
  }
  const days = Math.trunc((expirySeconds - nowSeconds) / DAY_SECONDS);
  if (expirySeconds <= nowSeconds + 30 * DAY_SECONDS) {
    return {
      kind: 'expiring',
      days,
      notAfter,
      healthAlert,
      message:
        'The certificate will expire within the next 30 days!\n' +
        `It is ONLY valid for ${days} more days.\n` +
        'It is recommended to take action in renewing the certificate as quickly as possible.',
    };
  }
  return {
    kind: 'valid',
    days,
    notAfter,
    healthAlert,
    message:
      'The certificate is valid for more than 30 days.\n' +
      `It is valid for ${days} more days.\n` +
      'There is no immediate need to perform action but this depends on how far the expiry date is in the future.',
  };
}

/**
 * Exactly what the vendor's one-liner prints for a verdict (`echo -e "\n…\n"`): a blank line, the
 * message, a blank line.
 *
 * @param verdict - from {@link expiryVerdict}
 *
 * @example
 * ```ts
 * process.stdout.write(formatVendorExpiryCheck(expiryVerdict(ca, new Date())));
 * // (blank line) The certificate has expired 5 days ago. … (blank line)
 * ```
 */
export function formatVendorExpiryCheck(verdict: ExpiryVerdict): string {
  return `\n${verdict.message}\n\n`;
}
