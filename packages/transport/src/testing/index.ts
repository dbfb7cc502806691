/**
 * `@sftunnel-ca/transport/testing` — what the workspace's tests and benchmark share to reach a
 * simulated appliance: not part of the library's API.
 *
 * @packageDocumentation
 */
export { openAppliance, type ApplianceLogin, type DeviceStrategy, type OpenApplianceOptions } from './open-appliance.js';
