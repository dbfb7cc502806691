/**
 * `@sftunnel-ca/core` — the domain of sftunnel-ca: InternalCA and sftunnel certificates,
 * the vendor's file formats and the appliance layout, and the renewal engine. No network
 * code: appliances are reached through the {@link Host} interface.
 *
 * @packageDocumentation
 */

// ── errors ───────────────────────────────────────────────────────────────
export { ERROR_CODES, type SftunnelCaErrorCode } from './errors/error-codes.js';
export {
  SftunnelCaError,
  isSftunnelCaError,
  type ErrorLocation,
  type SftunnelCaErrorOptions,
} from './errors/sftunnel-ca-error.js';

// ── host ─────────────────────────────────────────────────────────────────
export type {
  Host,
  HostOperationOptions,
  RunOptions,
  CommandResult,
  WriteFileAtomicOptions,
  WriteFileAtomicResult,
  FileStat,
} from './host/host.js';

// ── pki ──────────────────────────────────────────────────────────────────

// ── formats, layout, hotfix ──────────────────────────────────────────────
