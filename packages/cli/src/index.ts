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
export { STATUS_SCHEMA_ID } from './commands/status.js';
export { PLAN_SCHEMA_ID, PLAN_DIFF_SCHEMA_ID } from './commands/plan.js';
export { RENEW_SCHEMA_ID } from './commands/renew.js';
export { PLAN_FILE_SCHEMA_ID, PLAN_MISMATCH_SCHEMA_ID } from './plan-file.js';
export { COPY_SCHEMA_ID } from './commands/copy.js';
export { VERIFY_SCHEMA_ID } from './commands/verify.js';
export { ROLLBACK_SCHEMA_ID } from './commands/rollback.js';
export { DEMO_SCHEMA_ID } from './commands/demo.js';
export { JSON_SCHEMAS, type JsonSchema, type JsonSchemaId } from './schemas/json-schemas.js';
