import type { CliIo } from './cli-io.js';

/** Output options every command takes. */
export interface OutputOptions {
  /** One JSON document on stdout instead of text. */
  readonly json?: boolean;
}

/** Writes one versioned JSON document (with a trailing newline) on stdout. */
export function writeJson(io: CliIo, schema: string, body: Record<string, unknown>): void {
  io.stdout.write(`${JSON.stringify({ schema, ...body }, null, 2)}\n`);
}

/** Writes text on stdout, ending with a newline. */
export function writeText(io: CliIo, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
