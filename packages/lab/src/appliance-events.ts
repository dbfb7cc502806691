import type { ApplianceRuntime } from './appliance.js';
import { strikeArmed, type ApplianceEvent } from './faults.js';

/**
 * Tells an appliance that something happened on it (a connection, a write): its armed faults
 * strike when this is their trigger, and open connections are told.
 *
 * @param appliance - the appliance
 * @param happened - what happened
 */
export function noteApplianceEvent(appliance: ApplianceRuntime, happened: ApplianceEvent): void {
  const { faults, seen } = strikeArmed(appliance.faults, appliance.armedEventsSeen, happened);
  appliance.armedEventsSeen = seen;
  if (faults === undefined) return;
  appliance.faults = faults;
  appliance.onFaultsStruck?.();
}
