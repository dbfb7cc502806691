import type { ApplianceLayout } from '@sftunnel-ca/core';
import type { ApplianceFaults } from './faults.js';
import type { LabClock } from './lab-clock.js';
import type { ApplianceRole, LoginShell } from './appliance-kind.js';
import type { LabProfileName } from './lab-profile.js';

export type { ApplianceRole, LoginShell };

/**
 * One appliance of a running lab: how to reach it and who it is. `password` is not enumerable,
 * so it stays out of `JSON.stringify` and `console.log` of this object.
 */
export interface LabAppliance {
  /** Its name (host name, FAILED_PUSH name). */
  readonly name: string;
  readonly role: ApplianceRole;
  /** Its UUID (an FMC's is the CN of its InternalCA). */
  readonly uuid: string;
  /** Its own loopback address (127.0.0.0/8). */
  readonly address: string;
  /** Its SSH port on {@link LabAppliance.address}. */
  readonly sshPort: number;
  /** The login user: `admin`. */
  readonly username: string;
  /** The password of `admin` (and of `sudo`, and of `root` where direct login is enabled); made for this lab, a canary that `LAB_PASSWORD_PATTERN` matches. */
  readonly password: string;
  /** The host key's fingerprint as OpenSSH prints it: `SHA256:…`. */
  readonly hostKeyFingerprint: string;
  /** The host key as a known_hosts / authorized_keys line body: `ssh-ed25519 AAAA…`. */
  readonly hostPublicKey: string;
  /** Its file tree on disk (its `/`). */
  readonly root: string;
  /** Whether `root` may log in with the password for exec and SFTP (the `direct` strategy). */
  readonly direct: boolean;
  /** Where an SSH login lands. */
  readonly loginShell: LoginShell;
  /** An FTD's managers (FMC names); an FMC's HA peer, if any. */
  readonly peers: readonly string[];
  /** The release whose login shells it reproduces (banner, NOTICE, sudo's lecture, prompts), when one was asked for. */
  readonly profile?: LabProfileName;
}

/** A line-oriented conversation with whoever runs an interactive command. */
export interface DialogueIo {
  /** Shows text (`\n` line ends). */
  write(text: string): void;
  /** Reads the next line; `undefined` at end of input. */
  readLine(): Promise<string | undefined>;
}

/** What the appliances' commands need from the lab (tunnels, renewal, the clock). */
export interface ApplianceServices {
  readonly clock: LabClock;
  readonly layout: ApplianceLayout;
  /** `pmtool restartbyid sftunnel` on this appliance: drops its tunnels and reconnects them with the files as they are now. */
  restartSftunnel(appliance: ApplianceRuntime): Promise<void>;
  /** `sftunnel_status.pl` output of this appliance. */
  sftunnelStatus(appliance: ApplianceRuntime, peerAddress?: string): string;
  /** `generate_certs.pl` on this FMC; resolves to the exit status. */
  generateCerts(appliance: ApplianceRuntime, io: DialogueIo): Promise<number>;
}

/** A user whose owner and group are recorded by `chown`. */
export interface FileOwner {
  readonly owner: string;
  readonly group: string;
}

/** The lab's internal state of one appliance. */
export interface ApplianceRuntime {
  readonly info: LabAppliance;
  /** Faults now in force (replaced by `lab.setFaults`, and when {@link ApplianceFaults.armed} ones strike). */
  faults: ApplianceFaults;
  /** Events matching the armed faults' trigger seen so far (reset when faults are set). */
  armedEventsSeen: number;
  /** Called when armed faults strike, so open connections meet them (set by the SSH endpoint). */
  onFaultsStruck: (() => void) | undefined;
  /** The host key (OpenSSH private key) the lab reports. */
  readonly hostKey: string;
  /** Another host key, presented under the `hostKeyChanged` fault. */
  readonly otherHostKey: string;
  /** Owners set by `chown`, by appliance path; every other file is `root:root`. */
  readonly owners: Map<string, FileOwner>;
  readonly services: ApplianceServices;
  /** Interactive logins so far (`Successful login attempts for user 'admin' : N` of a profile's banner). */
  successfulLogins?: number;
}
