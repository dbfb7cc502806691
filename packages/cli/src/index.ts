/**
 * `@sftunnel-ca/cli` — the `sftunnel-ca` command, and {@link runCli} to run it from another
 * program with its own streams.
 *
 * @packageDocumentation
 */
export { runCli } from './run-cli.js';
export { processIo, type CliIo } from './cli-io.js';
export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export { CliUsageError } from './cli-usage-error.js';
export { CHECK_SCHEMA_ID } from './commands/check.js';
export { DIAGNOSE_SCHEMA_ID } from './commands/diagnose.js';
export { JSON_SCHEMAS, type JsonSchemaId } from './schemas/json-schemas.js';
