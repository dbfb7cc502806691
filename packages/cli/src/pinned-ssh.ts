import type { Secret } from '@sftunnel-ca/core';
import { SshHost, type ShellStrategy } from '@sftunnel-ca/transport';

/** An appliance reachable over SSH whose host key is known in advance (a lab's, or a state file's). */
export interface PinnedAppliance {
  /** Its name, in messages. */
  readonly name: string;
  /** Its address. */
  readonly address: string;
  /** Its SSH port. */
  readonly sshPort: number;
  /** The login user. */
  readonly username: string;
  /** Its host key's fingerprint, `SHA256:…`. */
  readonly hostKeyFingerprint: string;
}

/** Options of {@link connectPinned}. */
export interface ConnectPinnedOptions {
  /** How to become root; default `auto`. */
  readonly strategy?: ShellStrategy;
  /** Aborts the connection. */
  readonly signal?: AbortSignal;
}

/** Opens a root Host on `appliance` over SSH with `password`, accepting only its pinned host key. */
export function connectPinned(appliance: PinnedAppliance, password: Secret, options: ConnectPinnedOptions = {}): Promise<SshHost> {
  return SshHost.connect({
    name: appliance.name,
    host: appliance.address,
    port: appliance.sshPort,
    username: appliance.username,
    password,
    hostKeys: { fingerprints: [appliance.hostKeyFingerprint] },
    strategy: options.strategy ?? 'auto',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
