import { randomBytes } from 'node:crypto';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from './host.js';
import { shellWord } from './shell-word.js';

/** What {@link remoteDigests} reports of one file. */
export interface RemoteDigest {
  /** sha256 of its content, lowercase hex. */
  readonly sha256: string;
  /** Its permission bits. */
  readonly mode: number;
}

const BATCH = 50;

/**
 * sha256 and mode of many files of one host in a few commands (`sha256sum` then `stat -c`, 50
 * paths a command) instead of one round trip per file: how a staging directory of 2,000 files is
 * checked quickly. Files that are missing are absent from the map.
 *
 * @param host - the host
 * @param paths - absolute paths
 * @param step - the step for errors
 */
export async function remoteDigests(host: Host, paths: readonly string[], step: string): Promise<Map<string, RemoteDigest>> {
  const digests = new Map<string, RemoteDigest>();
  for (let start = 0; start < paths.length; start += BATCH) {
    const batch = paths.slice(start, start + BATCH);
    const words = batch.map(shellWord).join(' ');
    // Missing files make both commands exit non-zero; what they printed for the others still counts.
    const marker = `==> sftunnel-ca ${randomBytes(8).toString('hex')}`;
    const sums = await host.run(`sha256sum ${words}; s=$?; printf '%s\\n' '${marker}'; stat -c '%a %n' ${words}; exit $s`);
    const [hashLines = '', modeLines = ''] = sums.stdout.split(`${marker}\n`);
    const hashes = new Map<string, string>();
    for (const line of hashLines.split('\n')) {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) hashes.set(match[2], match[1]);
    }
    for (const line of modeLines.split('\n')) {
      const match = /^([0-7]{3,4}) (.+)$/.exec(line);
      const sha256 = match?.[2] === undefined ? undefined : hashes.get(match[2]);
      if (match?.[1] !== undefined && match[2] !== undefined && sha256 !== undefined) digests.set(match[2], { sha256, mode: parseInt(match[1], 8) });
    }
    if (hashes.size === 0 && batch.length > 0 && sums.code !== 0 && !/No such file/i.test(sums.stderr + sums.stdout)) {
      throw new SftunnelCaError('COMMAND_FAILED', `sha256sum exited ${sums.code} on ${host.name}: ${(sums.stderr || sums.stdout).trim().slice(0, 200)}`, { host: host.name, step });
    }
  }
  return digests;
}
