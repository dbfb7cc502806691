import { LAB_SOFTWARE_VERSION } from './appliance-files.js';
import type { ApplianceRuntime } from './appliance.js';

/** What a line typed at the restricted CLI does. */
export type CliOutcome =
  | { readonly kind: 'output'; readonly text: string; readonly status: number }
  | { readonly kind: 'expert' }
  | { readonly kind: 'exit' };

/** The CLI's commands, typed in full (the CLI's completion is not emulated: it stalls sessions). */
const COMMANDS = ['expert', 'exit', 'logout', 'help', 'show version', 'show managers', 'sftunnel-status-brief', 'sftunnel-status'];

/** What the appliance prints on login, above the first `> `. */
export function cliBanner(appliance: ApplianceRuntime): string {
  const product = appliance.info.role === 'fmc' ? 'Cisco Firepower Management Center for VMware' : 'Cisco Firepower Threat Defense for VMware';
  return [
    'Copyright 2004-2024, Cisco and/or its affiliates. All rights reserved.',
    'Cisco is a registered trademark of Cisco Systems, Inc.',
    'All other trademarks are property of their respective owners.',
    '',
    `${product} v${LAB_SOFTWARE_VERSION} (build 208)`,
    '',
    '',
  ].join('\n');
}

/**
 * Interprets one line of the appliance's restricted CLI (prompt `> `): commands must be typed
 * in full; `expert` leads to bash unless the `expertRefused` fault is set; there are no pipes.
 *
 * @param appliance - the appliance
 * @param line - the line typed
 */
export function interpretCliLine(appliance: ApplianceRuntime, line: string): CliOutcome {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const command = words.join(' ');
  if (command === '') return { kind: 'output', text: '', status: 0 };
  if (command === 'expert') {
    if (appliance.faults.expertRefused === true) {
      return { kind: 'output', text: 'Permission denied: expert mode requires Config privilege for this user.\n', status: 1 };
    }
    return { kind: 'expert' };
  }
  if (command === 'exit' || command === 'logout') return { kind: 'exit' };
  if (command === 'help' || command === '?') return { kind: 'output', text: `${COMMANDS.map((c) => `  ${c}`).join('\n')}\n`, status: 0 };
  if (command === 'show version') {
    const { name, uuid } = appliance.info;
    return { kind: 'output', text: `-------------------[ ${name} ]-------------------\nModel                     : ${appliance.info.role === 'fmc' ? 'Secure Firewall Management Center for VMware' : 'Cisco Firepower Threat Defense for VMware'} (75) Version ${LAB_SOFTWARE_VERSION} (Build 208)\nUUID                      : ${uuid}\n`, status: 0 };
  }
  if (command === 'sftunnel-status-brief' || command === 'sftunnel-status') {
    return { kind: 'output', text: appliance.services.sftunnelStatus(appliance), status: 0 };
  }
  if (command === 'show managers' && appliance.info.role === 'ftd') {
    return { kind: 'output', text: appliance.info.peers.map((p) => `Host                      : ${p}\nRegistration              : Completed\n`).join('\n'), status: 0 };
  }
  if (/[|<>;&]/.test(line)) return { kind: 'output', text: 'Syntax error: Illegal character\n', status: 1 };
  return { kind: 'output', text: 'Syntax error: Illegal parameter\n', status: 1 };
}
