import { isIP } from 'node:net';

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Whether a string is an IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** Whether a string is an IP address or a DNS host name (whose last label is not all digits). */
export function isHostAddress(value: string): boolean {
  return isIpAddress(value) || (HOST_NAME.test(value) && !/(?:^|\.)\d+$/.test(value));
}
