/**
 * The exit codes of `sftunnel-ca`, documented in `--help` and the README. Scripts may rely on them.
 */
export const EXIT_CODES = {
  /** Everything asked for was done (for `check`: the CA is valid for more than 30 days). */
  OK: 0,
  /** Some devices (or the appliance checked) failed; the others were done. */
  FAILED: 1,
  /** Usage or input error: nothing was changed. */
  USAGE: 2,
  /** A preflight check refused the run: nothing was changed. */
  PREFLIGHT_REFUSED: 3,
  /** Interrupted (Ctrl-C); the run can be resumed. */
  INTERRUPTED: 4,
  /** `check`: the CA expires within 30 days. */
  CA_EXPIRING: 5,
  /** `check`: the CA has expired. */
  CA_EXPIRED: 6,
  /**
   * The SSH host key of the FMC (or of a jump host) is unknown or has changed (`HOST_KEY_UNKNOWN`,
   * `HOST_KEY_MISMATCH`): nothing was changed. A device's host key is that device's failure (1).
   */
  HOST_KEY: 7,
  /** An unexpected error (`UNEXPECTED_ERROR`, a bug): run again with `--debug` and report it. */
  UNEXPECTED: 8,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * Each exit code in a line, as `--help` and the man page list them (one table, so they agree).
 */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [EXIT_CODES.OK]: 'done (check: the CA is valid for more than 30 days)',
  [EXIT_CODES.FAILED]: 'some devices failed; the others were done',
  [EXIT_CODES.USAGE]: 'usage or input error; nothing was changed',
  [EXIT_CODES.PREFLIGHT_REFUSED]: 'a preflight check refused the run; nothing was changed',
  [EXIT_CODES.INTERRUPTED]: 'interrupted (Ctrl-C); run the resume command printed',
  [EXIT_CODES.CA_EXPIRING]: 'check: the CA expires within 30 days',
  [EXIT_CODES.CA_EXPIRED]: 'check: the CA has expired',
  [EXIT_CODES.HOST_KEY]: "the FMC's (or a jump host's) SSH host key is unknown or has changed; nothing was changed",
  [EXIT_CODES.UNEXPECTED]: 'a bug (UNEXPECTED_ERROR): run again with --debug and report it',
};
