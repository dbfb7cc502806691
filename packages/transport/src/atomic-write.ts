import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { SftunnelCaError, refuseSymlinksCommand, shellWord, symlinkRefusal, type WriteFileAtomicOptions, type WriteFileAtomicResult } from '@sftunnel-ca/core';
import type { CommandChannel } from './command-channel.js';
import { classifyCommandFailure } from './command-failure.js';

/** The world an atomic write needs besides the channel. */
export interface AtomicWriteContext {
  /** The appliance, for errors. */
  readonly host: string;
  /** Deadline of each command in milliseconds. */
  readonly timeoutMs: number;
  /** The clock for backup timestamps. */
  readonly now: () => Date;
  /** Random bytes for the temporary file's name. */
  readonly random: (size: number) => Buffer;
}

const STEP = 'write-file';
const FINALIZE_FAILURES: Readonly<Record<number, string>> = {
  10: 'reading the mode and owner of the file replaced',
  11: 'setting the owner of the new file',
  12: 'setting the mode of the new file',
  14: 'keeping a backup of the file replaced',
  15: 'renaming the new file over the target',
};

/**
 * Replaces a file so that readers only ever see the old or the new content, through any
 * {@link CommandChannel}: the data goes to a temporary file in the same directory (mode 0600
 * while it is written), which then gets the mode and owner of the file it replaces (or those
 * asked), is checked by sha256, and is renamed over the target. With `backup`, the file
 * replaced is first copied to `<path>.backup` keeping mode and owner, or, if that exists, to
 * `<path>.backup.<UTC timestamp>` (never overwriting one). On any failure the temporary file
 * is removed (when the connection still allows) and the target is as it was. A symbolic link at
 * any level of the target or of the temporary file is refused in each command that writes: nothing
 * is written through it.
 *
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK`, `DISK_FULL`, `PERMISSION_DENIED`, `FILE_NOT_FOUND`,
 * `INTEGRITY_MISMATCH`, `COMMAND_FAILED`, `CONNECTION_LOST`, `OPERATION_TIMEOUT`
 */
export async function writeFileAtomicVia(
  channel: CommandChannel,
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions,
  context: AtomicWriteContext,
): Promise<WriteFileAtomicResult> {
  if (!path.startsWith('/')) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `the path must be absolute: ${path}`, { host: context.host, step: STEP, file: path });
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const temp = posix.join(posix.dirname(path), `.${posix.basename(path)}.sftunnel-ca-${context.random(6).toString('hex')}.tmp`);
  const where = { host: context.host, step: STEP, file: path };
  const exec = { signal: options.signal, timeoutMs: options.timeoutMs ?? context.timeoutMs, step: STEP };

  // No level of the target or its temporary file may be a symbolic link: checked in each command that writes, so there is no race.
  const guard = refuseSymlinksCommand([path, temp]);
  const upload = await channel.exec(`umask 077 && ${guard} && cat > ${shellWord(temp)}`, { ...exec, stdin: bytes });
  const refusedUpload = symlinkRefusal(decoded(upload), context.host, STEP);
  if (refusedUpload !== undefined) throw refusedUpload;
  if (upload.code !== 0) {
    await removeQuietly(channel, temp, exec);
    throw classifyCommandFailure(`writing the temporary file ${temp}`, { stderr: upload.stderr.toString('utf8'), code: upload.code }, where);
  }

  const script = finalizeScript({ path, temp, sha256, options, timestamp: backupTimestamp(context.now()) });
  const finalize = await channel.exec(`${guard} || exit $?\n${script}`, exec);
  const { stdout, stderr } = decoded(finalize);
  const refusedFinalize = symlinkRefusal({ stdout, stderr, code: finalize.code }, context.host, STEP);
  if (refusedFinalize !== undefined) {
    await removeQuietly(channel, temp, exec);
    throw refusedFinalize;
  }
  if (finalize.code === 13) {
    throw new SftunnelCaError('INTEGRITY_MISMATCH', `the temporary file ${temp} does not have the sha256 sent (${sha256}): ${stderr.trim()}`, where);
  }
  if (finalize.code !== 0) {
    const what = FINALIZE_FAILURES[finalize.code] ?? 'finishing the write';
    throw classifyCommandFailure(what, { stderr, code: finalize.code }, where);
  }
  const backupPath = /^backup=(.*)$/m.exec(stdout)?.[1];
  return backupPath === undefined ? { sha256 } : { sha256, backupPath };
}

/** `20250101T120000Z`: the UTC timestamp used in `<file>.backup.<timestamp>`. */
export function backupTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function finalizeScript(params: {
  readonly path: string;
  readonly temp: string;
  readonly sha256: string;
  readonly options: WriteFileAtomicOptions;
  readonly timestamp: string;
}): string {
  const { options } = params;
  const mode = options.mode === undefined ? '' : (options.mode & 0o7777).toString(8);
  return [
    `P=${shellWord(params.path)}; T=${shellWord(params.temp)}`,
    `M=${shellWord(mode)}; O=${shellWord(options.owner ?? '')}; G=${shellWord(options.group ?? '')}`,
    `fail() { rm -f -- "$T" "\${B:-}.partial"; exit "$1"; }`,
    // The replaced file's owner and group by number: exact even without a name.
    `if [ -e "$P" ]; then`,
    `  [ -n "$M" ] || M=$(stat -L -c %a -- "$P") || fail 10`,
    `  [ -n "$O" ] || O=$(stat -L -c %u -- "$P") || fail 10`,
    `  [ -n "$G" ] || G=$(stat -L -c %g -- "$P") || fail 10`,
    `fi`,
    `[ -n "$M" ] || M=644`,
    `if [ -n "$O" ] && [ -n "$G" ]; then chown -- "$O:$G" "$T" || fail 11`,
    `elif [ -n "$O" ]; then chown -- "$O" "$T" || fail 11`,
    `elif [ -n "$G" ]; then chgrp -- "$G" "$T" || fail 11; fi`,
    `chmod -- "$M" "$T" || fail 12`,
    `H=$(sha256sum < "$T") || fail 13`,
    `case "$H" in ${params.sha256}*) ;; *) echo "it has sha256 $H" >&2; fail 13;; esac`,
    `sync -- "$T" 2>/dev/null`,
    ...(options.backup === true
      ? [
          `if [ -e "$P" ]; then`,
          `  B="$P.backup"`,
          `  if [ -e "$B" ] || [ -L "$B" ]; then B="$P.backup.${params.timestamp}"; N=1`,
          `    while [ -e "$B" ] || [ -L "$B" ]; do B="$P.backup.${params.timestamp}.$N"; N=$((N + 1)); done`,
          `  fi`,
          // rm first: cp would write through a link standing at the partial name.
          `  rm -f -- "$B.partial" && cp -p -- "$P" "$B.partial" && mv -f -- "$B.partial" "$B" || fail 14`,
          `  printf 'backup=%s\\n' "$B"`,
          `fi`,
        ]
      : []),
    `mv -f -- "$T" "$P" || fail 15`,
  ].join('\n');
}

/** A channel's result with its output decoded, as core's guards read it. */
function decoded(result: { readonly stdout: Buffer; readonly stderr: Buffer; readonly code: number }): { stdout: string; stderr: string; code: number } {
  return { stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8'), code: result.code };
}

async function removeQuietly(
  channel: CommandChannel,
  path: string,
  exec: { readonly signal?: AbortSignal | undefined; readonly timeoutMs: number; readonly step: string },
): Promise<void> {
  await channel.exec(`rm -f -- ${shellWord(path)}`, exec).catch(() => undefined);
}
