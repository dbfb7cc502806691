import type { LabFaults } from '../faults.js';

/**
 * One device per fault, named after it: the nine faults a lab can inject. `latencyMs` sets the
 * slow device's latency per command.
 */
export function oneOfEachFault(latencyMs: number): LabFaults {
  return {
    unreachable: { unreachable: true },
    silent: { silent: true },
    'wrong-credentials': { wrongCredentials: true },
    'host-key-changed': { hostKeyChanged: true },
    'disk-full': { diskFull: true },
    drop: { dropAfterBytes: 16_384 },
    'pmtool-fails': { pmtoolFails: true },
    slow: { latencyMs },
    'no-expert': { expertRefused: true },
  };
}
