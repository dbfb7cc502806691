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
}

/** The process's own streams, environment and clock. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, now: () => new Date() };
}
