import { Secret } from '@sftunnel-ca/core';
import { SshHost, type ShellStrategy } from '../ssh-host.js';

/** What it takes to log in to one appliance, as plain data (a lab appliance has these fields). */
export interface ApplianceLogin {
  readonly name: string;
  readonly address: string;
  readonly sshPort: number;
  readonly username: string;
  readonly password: string;
  /** The SHA256 fingerprint its host key must have. */
  readonly hostKeyFingerprint: string;
}

/** How to reach an appliance as root: `direct` logs in as root (exec, SFTP), `expert` goes CLI → expert → sudo su (a real FTD's way). */
export type DeviceStrategy = Exclude<ShellStrategy, 'auto'>;

/** Options of {@link openAppliance}. */
export interface OpenApplianceOptions {
  readonly strategy: DeviceStrategy;
  /** Give up connecting after this long (the vendor's copy script: 20 s). */
  readonly connectTimeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Opens a root Host on an appliance over real SSH, its host key pinned, one attempt. */
export function openAppliance(appliance: ApplianceLogin, options: OpenApplianceOptions): Promise<SshHost> {
  return SshHost.connect({
    name: appliance.name,
    host: appliance.address,
    port: appliance.sshPort,
    username: options.strategy === 'direct' ? 'root' : appliance.username,
    password: new Secret(appliance.password),
    strategy: options.strategy,
    hostKeys: { fingerprints: [appliance.hostKeyFingerprint] },
    connectTimeoutMs: options.connectTimeoutMs,
    retry: { attempts: 1 },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
