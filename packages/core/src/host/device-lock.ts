import { posix } from 'node:path';
import { shellWord } from './shell-word.js';

/** The lock directory beside a device's files that the switch of its set and the restore of its previous set share. */
export const DEVICE_LOCK_NAME = '.sftunnel-ca.lock';

/** How long a command waits for the lock before taking it over, in tenths of a second: a switch holds it for milliseconds. */
const WAIT_TENTHS = 50;

/**
 * A shell command that runs `body` holding a lock beside a device's files (`mkdir`, atomic on any
 * POSIX file system). The renames that switch a device's set and the restore that puts its previous
 * set back both take it, so a restore never interleaves with a switch still running for a
 * connection that was lost (sshd lets a command run on when its client goes). A lock older than
 * five seconds is taken over: its holder died.
 *
 * @param directory - the directory of the device's files
 * @param body - the command to run under the lock
 * @returns the command; it exits with `body`'s status
 */
export function underDeviceLock(directory: string, body: string): string {
  const lock = shellWord(posix.join(directory, DEVICE_LOCK_NAME));
  return `i=0; until mkdir ${lock} 2>/dev/null; do i=$((i+1)); [ "$i" -ge ${WAIT_TENTHS} ] && break; sleep 0.1; done; ( ${body} ); s=$?; rmdir ${lock} 2>/dev/null; exit $s`;
}
