/**
 * `@sftunnel-ca/lab` — a simulated FMC (+ HA peer) and up to 1,000 FTDs over real SSH and real
 * TLS, faithful to the appliance, with fault injection. Runs as an ordinary user on loopback
 * addresses; for rehearsals, tests, the demo and the benchmark.
 *
 * @packageDocumentation
 */

export { startLab, type Lab, type StartLabOptions, type LabDeviceSpec, type LabTunnels, type LabProfileChoice } from './start-lab.js';
export { LAB_PROFILE_NAMES, type LabProfileName } from './lab-profile.js';
export type { LabAppliance, ApplianceRole, LoginShell } from './appliance.js';
export type { RegisterDeviceParams } from './register-device.js';
export type { LabDevicesCsvParams } from './lab-devices-csv.js';
export { LabClock } from './lab-clock.js';
export { LAB_PASSWORD_PATTERN } from './lab-password.js';
export { LAB_KEYS_VARIABLE } from './key-pool.js';
export type { LabCaState } from './lab-pki.js';
export type { ApplianceFaults, ArmedFaults, FaultTrigger, LabFaults } from './faults.js';
export { type TunnelStatus, type TunnelState, type TunnelError } from './sftunnel-emulator.js';
