import { createHash } from 'node:crypto';

/**
 * The sha256 of a text (as UTF-8) or of bytes, in lowercase hex, as `sha256sum` prints it.
 *
 * @param content - the text or bytes
 */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
