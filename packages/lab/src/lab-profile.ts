import { SftunnelCaError } from '@sftunnel-ca/core';
import type { ApplianceRole, LoginShell } from './appliance-kind.js';

/**
 * The login shells of appliance releases the lab reproduces from public transcripts (unicon's
 * FXOS/FTD mock data and patterns, scrapli_community `cisco/ftd`, netmiko `cisco_ftd`, Cisco's
 * documents):
 *
 * - `ftd-6.4-hw`: an FTD 6.4 on Firepower 1100 hardware: `Last login`, `Successful login attempts`,
 *   copyright, `Cisco Fire Linux OS`, model line, `> `; `expert` prints the NOTICE block; `sudo su`
 *   prints sudo's lecture and `Password: `, and lands in `/`.
 * - `ftd-7-virtual`: an FTDv 7.x: the same banner (no NOTICE, no lecture once lectured), `Password: `.
 * - `fp4100-module`: an FTD module of an FP4100/9300: the expert shell starts in
 *   `/opt/cisco/csp/applications`; NOTICE and lecture as on 6.x.
 * - `fmc-6.2-bash`: an FMC 6.2, which has no restricted CLI: SSH lands in bash as `admin`.
 * - `fmc-7`: an FMC 7.x, landing in the CLI `> `.
 */
export type LabProfileName = 'ftd-6.4-hw' | 'ftd-7-virtual' | 'fp4100-module' | 'fmc-6.2-bash' | 'fmc-7';

/** Every {@link LabProfileName}, FTD profiles first. */
export const LAB_PROFILE_NAMES: readonly LabProfileName[] = ['ftd-6.4-hw', 'ftd-7-virtual', 'fp4100-module', 'fmc-6.2-bash', 'fmc-7'];

/** How one release's login shells behave (what the lab's terminal session shows). */
export interface LabProfile {
  readonly name: LabProfileName;
  /** The role of appliance the profile is for. */
  readonly role: ApplianceRole;
  /** Where an SSH login lands. */
  readonly loginShell: LoginShell;
  /** The software version (`/etc/sf/sw_version`, the model line). */
  readonly version: string;
  /** The build number of the model line. */
  readonly build: number;
  /** The Fire Linux OS line's version, e.g. `6.4.0 (build 2)`. */
  readonly os: string;
  /** The product of the model line, e.g. `Cisco Firepower 1120 Threat Defense`. */
  readonly model: string;
  /** The copyright years' end. */
  readonly copyrightYear: number;
  /** Whether `expert` prints the `NOTICE - Shell access will be deprecated…` block. */
  readonly expertNotice: boolean;
  /** Whether the first `sudo` of a session prints sudo's lecture. */
  readonly sudoLecture: boolean;
  /** The expert shell's starting directory; default the home directory. */
  readonly expertCwd?: string;
  /** The root shell's directory after `sudo su`; default the directory it was typed in. */
  readonly rootCwd?: string;
}

const PROFILES: Readonly<Record<LabProfileName, LabProfile>> = {
  'ftd-6.4-hw': {
    name: 'ftd-6.4-hw',
    role: 'ftd',
    loginShell: 'cli',
    version: '6.4.0.9',
    build: 62,
    os: '6.4.0 (build 2)',
    model: 'Cisco Firepower 1120 Threat Defense',
    copyrightYear: 2019,
    expertNotice: true,
    sudoLecture: true,
    rootCwd: '/',
  },
  'ftd-7-virtual': {
    name: 'ftd-7-virtual',
    role: 'ftd',
    loginShell: 'cli',
    version: '7.2.5',
    build: 208,
    os: '6.6.5 (build 2)',
    model: 'Cisco Firepower Threat Defense for VMware',
    copyrightYear: 2023,
    expertNotice: false,
    sudoLecture: false,
  },
  'fp4100-module': {
    name: 'fp4100-module',
    role: 'ftd',
    loginShell: 'cli',
    version: '6.4.0',
    build: 102,
    os: '6.4.0 (build 2)',
    model: 'Cisco Firepower 4150 Threat Defense',
    copyrightYear: 2019,
    expertNotice: true,
    sudoLecture: true,
    expertCwd: '/opt/cisco/csp/applications',
  },
  'fmc-6.2-bash': {
    name: 'fmc-6.2-bash',
    role: 'fmc',
    loginShell: 'bash',
    version: '6.2.3',
    build: 84,
    os: '6.2.3 (build 13)',
    model: 'Cisco Firepower Management Center for VMware',
    copyrightYear: 2018,
    expertNotice: false,
    sudoLecture: true,
  },
  'fmc-7': {
    name: 'fmc-7',
    role: 'fmc',
    loginShell: 'cli',
    version: '7.2.5',
    build: 208,
    os: '6.6.5 (build 2)',
    model: 'Secure Firewall Management Center for VMware',
    copyrightYear: 2023,
    expertNotice: false,
    sudoLecture: false,
  },
};

/**
 * A profile by name.
 *
 * @param name - the profile's name
 * @param role - the role of the appliance it is for, checked when given
 * @throws SftunnelCaError `INVALID_ARGUMENT` for an unknown name, or a profile of the other role
 */
export function labProfile(name: string, role?: ApplianceRole): LabProfile {
  const profile = (PROFILES as Record<string, LabProfile | undefined>)[name];
  if (profile === undefined) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `unknown lab profile ${JSON.stringify(name)}; the lab has ${LAB_PROFILE_NAMES.join(', ')}`, { step: 'start-lab' });
  }
  if (role !== undefined && profile.role !== role) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `lab profile ${name} is for an ${profile.role.toUpperCase()}, not an ${role.toUpperCase()}`, { step: 'start-lab' });
  }
  return profile;
}

/** What a profile prints on an SSH login, above the first prompt (`\n` line ends). */
export function profileBanner(profile: LabProfile, session: { readonly lastLogin: Date; readonly from: string; readonly attempts: number }): string {
  const lines = [`Last login: ${formatLastLogin(session.lastLogin)} from ${session.from} on pts/0`];
  if (profile.loginShell === 'cli') {
    lines.push(
      `Successful login attempts for user 'admin' : ${session.attempts}`,
      '',
      `Copyright 2004-${profile.copyrightYear}, Cisco and/or its affiliates. All rights reserved.`,
      'Cisco is a registered trademark of Cisco Systems, Inc.',
      'All other trademarks are property of their respective owners.',
      '',
      `Cisco Fire Linux OS v${profile.os}`,
      `${profile.model} v${profile.version} (build ${profile.build})`,
      '',
      '',
      '',
    );
  }
  return `${lines.join('\n')}${profile.loginShell === 'cli' ? '' : '\n'}`;
}

/** `Tue Jan 24 18:18:07 UTC 2023`, as `Last login:` prints a time. */
export function formatLastLogin(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()] ?? ''} ${months[date.getUTCMonth()] ?? ''} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** The block `expert` prints on 6.x hardware and FP4100/9300 modules, framed by `*` lines. */
export const EXPERT_NOTICE = [
  '**************************************************************',
  'NOTICE - Shell access will be deprecated in future releases',
  '         and will be replaced with a separate expert mode CLI.',
  '**************************************************************',
  '',
].join('\n');

/** sudo's lecture, printed before the first password prompt of a session. */
export const SUDO_LECTURE = [
  '',
  'We trust you have received the usual lecture from the local System',
  'Administrator. It usually boils down to these three things:',
  '',
  '    #1) Respect the privacy of others.',
  '    #2) Think before you type.',
  '    #3) With great power comes great responsibility.',
  '',
  '',
].join('\n');

/** The password prompt of a profiled appliance's `sudo su`, trailing space included. */
export const PROFILE_PASSWORD_PROMPT = 'Password: ';
