/**
 * The table of every error code sftunnel-ca throws, with what it means and what to do.
 *
 * The code statically and permanently identifies the error; the message may change.
 * `docs/errors.md` is generated from this table and a test keeps the two in step.
 *
 * Each package appends its own section; codes are never renamed or reused.
 */
export const ERROR_CODES = {
  // ── input and PEM ───────────────────────────────────────────────────────
  PEM_INVALID: {
    meaning: 'The input is not PEM, or a PEM block does not hold the DER structure its label names.',
    remedy: 'Pass the file as written by the appliance or by `openssl` (`-----BEGIN …-----` blocks); check that the right file was given.',
  },
  KEY_NOT_RSA: {
    meaning: 'A private or public key is not an RSA key; the appliance uses RSA keys only.',
    remedy: 'Use the RSA key that belongs to the certificate, or let sftunnel-ca generate a new RSA key.',
  },
  KEY_CERT_MISMATCH: {
    meaning: 'A private key does not belong to the certificate it was paired with.',
    remedy: 'Pair each certificate with its own key (sftunnel-cert.pem with sftunnel-key.pem of the same directory); regenerate the pair if the key is lost.',
  },
  NOT_ISSUED_BY_CA: {
    meaning: 'A certificate was not signed by the InternalCA it was checked against (issuer name or signature differ).',
    remedy: 'Check that the certificate and cacert.pem come from the same FMC and the same renewal; re-issue the certificate from the current InternalCA.',
  },
  CERTIFICATE_EXPIRED: {
    meaning: 'A certificate in the chain is past its notAfter at the time of the check.',
    remedy: 'Renew the InternalCA and re-issue the sftunnel certificates now; do not reboot or upgrade anything until every device has the new files.',
  },
  CERTIFICATE_NOT_YET_VALID: {
    meaning: 'A certificate in the chain is before its notBefore at the time of the check (often a clock that lags).',
    remedy: 'Check the clocks of the FMC and the device (NTP); sftunnel-ca backdates notBefore by one day by default.',
  },
  NOT_A_CA: {
    meaning: 'The certificate given as the InternalCA is not a CA certificate (no basicConstraints CA:TRUE or not self-signed).',
    remedy: 'Pass the FMC’s /etc/sf/ca_root/cacert.pem (or the InternalCA certificate from a staged renewal).',
  },
  INVALID_UUID: {
    meaning: 'A value that must be a UUID (FMC or device identity) is not in the 8-4-4-4-12 hexadecimal form.',
    remedy: 'Use the UUID as the FMC shows it (the directory name under /var/sf/peers/ or the CN of the InternalCA).',
  },
  INVALID_ARGUMENT: {
    meaning: 'An option passed to a library function is out of range or of the wrong shape.',
    remedy: 'Read the message for the option and the accepted values, and correct the call.',
  },
  WEAK_SIGNATURE_ALGORITHM: {
    meaning: 'A signature algorithm weaker than SHA-256 was requested; devices reject it with `err 68:CA signature digest algorithm too weak`.',
    remedy: 'Use sha256WithRSAEncryption or stronger (the default).',
  },
  SERIAL_EXHAUSTED: {
    meaning: 'A serial number sequence was asked for a serial it has already handed out or cannot represent.',
    remedy: 'Start a new sequence above the highest serial the InternalCA has issued.',
  },
} as const satisfies Record<string, { readonly meaning: string; readonly remedy: string }>;

/** A stable error code: one of the keys of {@link ERROR_CODES}. */
export type SftunnelCaErrorCode = keyof typeof ERROR_CODES;
