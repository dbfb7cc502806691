import { SftunnelCaError, type ErrorLocation } from '../errors/sftunnel-ca-error.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a string is a UUID in the 8-4-4-4-12 hexadecimal form the appliance uses for FMC and
 * device identities (any version, either case).
 *
 * @param value - the string to test
 *
 * @example
 * ```ts
 * (await fmc.list('/var/sf/peers')).filter(isUuid); // the peer directories, without stray entries
 * ```
 */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Returns `value` when it is a UUID, else throws `INVALID_UUID` naming what it was meant to be.
 *
 * @param value - the string to check
 * @param what - what the value identifies, for the message (e.g. `fmcUuid`)
 * @param where - where the value came from
 *
 * @example
 * ```ts
 * const fmcUuid = assertUuid(ca.commonName ?? '', 'the CN of the InternalCA', { file: '/etc/sf/ca_root/cacert.pem' });
 * ```
 */
export function assertUuid(value: string, what: string, where: ErrorLocation = {}): string {
  if (!isUuid(value)) {
    throw new SftunnelCaError(
      'INVALID_UUID',
      `${what} must be a UUID such as 06f5f3ca-c77b-11e2-81bf-884d9d11f3ef, got ${JSON.stringify(value.slice(0, 64))}`,
      where,
    );
  }
  return value;
}
