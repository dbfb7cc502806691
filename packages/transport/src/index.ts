/**
 * `@sftunnel-ca/transport` — the `Host` interface of `@sftunnel-ca/core` over SSH
 * ({@link SshHost}: exec, the appliance's CLI → expert → sudo shell, jump hosts, host keys)
 * and on the local machine ({@link LocalHost}), with deadlines, retries and a bounded pool.
 *
 * @packageDocumentation
 */

// ── hosts ────────────────────────────────────────────────────────────────
export { SshHost, type SshHostOptions, type ShellStrategy } from './ssh-host.js';
export { LocalHost, type LocalHostOptions } from './local-host.js';
export { PosixHost, type PosixHostOptions } from './posix-host.js';
export { writeFileAtomicVia, backupTimestamp, type AtomicWriteContext } from './atomic-write.js';
export type { CommandChannel, ChannelExecOptions, RawCommandResult } from './command-channel.js';
export { classifyCommandFailure, type CommandFailureContext } from './command-failure.js';

// ── connections and shells ───────────────────────────────────────────────
export { connectSsh, SshConnection, type ConnectOptions, type SshEndpoint } from './connect.js';
export { createAuthHandler, type AuthPlan, type SshCredentials } from './authentication.js';
export { DirectShell, type DirectShellOptions } from './direct-shell.js';
export { ExpertShell, type ExpertShellOptions } from './expert-shell.js';
export {
  ExpertEscalation,
  DEFAULT_EXPERT_PROMPTS,
  type EscalationAction,
  type EscalationCommand,
  type EscalationFailure,
  type EscalationState,
  type ExpertEscalationParams,
  type ExpertPrompts,
} from './expert-escalation.js';
export { stripAnsi } from './strip-ansi.js';
export { shellQuote } from './shell-quote.js';

// ── host keys ────────────────────────────────────────────────────────────
export {
  parseKnownHosts,
  checkKnownHosts,
  entryMatchesHost,
  formatKnownHostsLine,
  fingerprintSha256,
  knownHostName,
  knownKeyTypes,
  readKeyType,
  type KnownHostsEntry,
  type KnownHostsVerdict,
} from './known-hosts.js';
export { verifyHostKey, preferredHostKeyAlgorithms, type HostKeyOptions, type HostKeyCheckParams } from './host-key-verifier.js';

// ── secrets, timers, retries, pool, events ───────────────────────────────
export { withDeadline, type DeadlineParams } from './deadline.js';
export { retryTransient, TRANSIENT_ERROR_CODES, type RetryOptions } from './retry.js';
export { runPool, type PoolOptions, type PoolOutcome } from './pool.js';
export { exitStatus } from './exit-code.js';
export type {
  TransportEvent,
  TransportEventBase,
  TransportEventListener,
  ConnectingEvent,
  ConnectedEvent,
  AuthenticatedEvent,
  HostKeyRecordedEvent,
  RetryEvent,
  BannerEvent,
  EscalationEvent,
  StrategyEvent,
  OperationEvent,
  ClosedEvent,
} from './transport-event.js';
