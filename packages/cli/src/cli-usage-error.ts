/**
 * A usage or input error of the command line itself (`CLI_USAGE` in docs/errors.md, exit code 2).
 * Errors of the library are `SftunnelCaError`s; this one is the CLI's own, and imports nothing of
 * the library, so that `--help` and `--version` start without loading it.
 */
export class CliUsageError extends Error {
  /** Always `CLI_USAGE`. */
  readonly code = 'CLI_USAGE';

  /** @param message - what was wrong and what to do; never a secret */
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
