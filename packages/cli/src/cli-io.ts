import { EXIT_CODES } from './exit-codes.js';

/** Where the CLI reads and writes: the process's streams by default, injectable for embedders and tests. */
export interface CliIo {
  /** Results (documents with `--json`). */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Progress, warnings and errors. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Answers to prompts. */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment variables (credentials, `NO_COLOR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock. */
  readonly now: () => Date;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. Without it a run
   * cannot be interrupted (an embedder that handles signals itself).
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/**
 * The process's own streams, environment, clock and SIGINT. A second Ctrl-C while a run is being
 * interrupted exits at once (code 4).
 *
 * @example
 * ```ts
 * // the CLI with the process's streams, but another environment (e.g. credentials from a vault)
 * process.exitCode = await runCli(['status', '--fmc', 'admin@fmc.example.net'], { ...processIo(), env: { ...process.env, SFTUNNEL_CA_PASSWORD: fromVault } });
 * ```
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, now: () => new Date(), onInterrupt: onProcessInterrupt };
}

function onProcessInterrupt(handler: () => void): () => void {
  let count = 0;
  const listener = (): void => {
    count += 1;
    if (count === 1) {
      handler();
      return;
    }
    process.stderr.write('sftunnel-ca: interrupted again: exiting now, devices in flight may be half done; resume as printed above\n');
    process.exit(EXIT_CODES.INTERRUPTED);
  };
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGINT', listener);
  };
}
