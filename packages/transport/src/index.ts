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
export type { PosixHost, PosixHostOptions } from './posix-host.js';
export type { CommandChannel, ChannelExecOptions, RawCommandResult } from './command-channel.js';

// ── connections and shells ───────────────────────────────────────────────
export { connectSsh, SshConnection, type ConnectOptions, type SshEndpoint } from './connect.js';
export type { SshCredentials } from './authentication.js';
export { DEFAULT_EXPERT_PROMPTS, DEFAULT_PROMPT_SETTLE_MS, type ExpertPrompts, type EscalationCommand } from './expert-escalation.js';
export type { StaleScratch } from './session-scratch.js';

// ── host keys ────────────────────────────────────────────────────────────
export {
  parseKnownHosts,
  checkKnownHosts,
  formatKnownHostsLine,
  formatKnownHosts,
  type KnownHost,
  fingerprintSha256,
  type KnownHostsEntry,
  type KnownHostsVerdict,
} from './known-hosts.js';
export type { HostKeyOptions } from './host-key-verifier.js';

// ── retries, pool, events ────────────────────────────────────────────────
export { retryTransient, TRANSIENT_ERROR_CODES, type RetryOptions } from './retry.js';
export { runPool, type PoolOptions, type PoolOutcome } from './pool.js';
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
  LoginTextEvent,
  StaleScratchEvent,
  StrategyEvent,
  OperationEvent,
  ClosedEvent,
} from './transport-event.js';
export { probeSftunnelTls } from './sftunnel-tls-probe.js';
