import type { CliIo } from './cli-io.js';
import { terminalSafe, terminalSafeJson } from './terminal-text.js';

/** Output options every command takes. */
export interface OutputOptions {
  /** One JSON document on stdout instead of text. */
  readonly json?: boolean;
}

/** Writes one versioned JSON document (with a trailing newline) on stdout; no raw control character reaches a terminal. */
export function writeJson(io: CliIo, schema: string, body: Record<string, unknown>): void {
  io.stdout.write(`${terminalSafeJson(JSON.stringify({ schema, ...body }, null, 2))}\n`);
}

/** Writes text on stdout, ending with a newline, made terminal-safe (device names and appliance output are untrusted). */
export function writeText(io: CliIo, text: string): void {
  const safe = terminalSafe(text);
  io.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}
