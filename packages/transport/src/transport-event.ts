/** What every {@link TransportEvent} carries. */
export interface TransportEventBase {
  /** The appliance the event is about (its name, else its address). */
  readonly host: string;
}

/** A TCP connection to a hop (a jump host or the target) is being opened. */
export interface ConnectingEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'connecting';
  /** The hop, `address:port`. */
  readonly hop: string;
  /** 1-based attempt number. */
  readonly attempt: number;
}

/** A hop is connected and logged in. */
export interface ConnectedEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'connected';
  /** The hop, `address:port`. */
  readonly hop: string;
  /** Time from TCP connect to login, in milliseconds. */
  readonly durationMs: number;
}

/** A hop accepted the login. */
export interface AuthenticatedEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'authenticated';
  /** The hop, `address:port`. */
  readonly hop: string;
  /** The method that succeeded: `publickey`, `agent`, `password` or `keyboard-interactive`. */
  readonly method: string;
}

/** `accept-new` recorded a host key. */
export interface HostKeyRecordedEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'host-key-recorded';
  /** The hop, `address:port`. */
  readonly hop: string;
  /** The key recorded, `SHA256:…`. */
  readonly fingerprint: string;
  /** The known_hosts file written. */
  readonly file: string;
}

/** A transient failure is retried after a delay. */
export interface RetryEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'retry';
  /** The attempt about to start (2 for the first retry). */
  readonly attempt: number;
  /** The wait before it, in milliseconds. */
  readonly delayMs: number;
  /** The error code of the failed attempt. */
  readonly code: string;
}

/** The text shown before the first prompt (login banner, MOTD). */
export interface BannerEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'banner';
  /** The banner, ANSI codes stripped. */
  readonly text: string;
}

/**
 * Text of an interactive login, as it went: what the appliance printed (`received`) and what was
 * typed (`sent`; a password is shown as `<password>`). Only the login: commands and file contents
 * never appear. For a transcript an operator can share.
 */
export interface LoginTextEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'login-text';
  /** Which way the text went. */
  readonly direction: 'received' | 'sent';
  /** The text, the session's password replaced by `<redacted>`. */
  readonly text: string;
}

/** The expert login moved on: `expert`, `sudo`, `password`, `pinning`, `root`. */
export interface EscalationEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'escalation';
  /** The step reached. */
  readonly state: string;
}

/**
 * At login, scratch directories that earlier sessions of ours left on the appliance (a killed run,
 * a dropped connection) were found stale and removed; they may have held a command's standard
 * input, such as private keys. Sent only when there were some.
 */
export interface StaleScratchEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'stale-scratch';
  /** The directories removed, sorted. */
  readonly removed: readonly string[];
  /** Stale directories that could not be removed, sorted. */
  readonly failed: readonly string[];
}

/** The shell strategy in use (`auto` resolved). */
export interface StrategyEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'strategy';
  /** `direct` or `expert`. */
  readonly strategy: 'direct' | 'expert';
}

/** A host operation (read, write, stat, run…) ended. */
export interface OperationEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'operation';
  /** The operation, e.g. `write-file`. */
  readonly step: string;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** Whether it succeeded. */
  readonly ok: boolean;
  /** The error code when it failed. */
  readonly code?: string;
}

/** The host was closed. */
export interface ClosedEvent extends TransportEventBase {
  /** Discriminant. */
  readonly type: 'closed';
}

/**
 * Progress of the transport, as data: adapters render these, tests assert on them. Events
 * never hold secrets nor file contents.
 */
export type TransportEvent =
  | ConnectingEvent
  | ConnectedEvent
  | AuthenticatedEvent
  | HostKeyRecordedEvent
  | RetryEvent
  | BannerEvent
  | EscalationEvent
  | LoginTextEvent
  | StaleScratchEvent
  | StrategyEvent
  | OperationEvent
  | ClosedEvent;

/** Receives {@link TransportEvent}s; must not throw. */
export type TransportEventListener = (event: TransportEvent) => void;
