import { SftunnelCaError, shellWord } from '@sftunnel-ca/core';

/**
 * The scratch space of an expert-shell session on an appliance: a directory
 * `<parent>/.sftunnel-ca.XXXXXXXX` (mode 0700, made by `mktemp -d`) holding the standard input of
 * the command being sent (`in`, removed once the command has run), the last command's standard
 * error (`err`) and exit status (`rc`), all mode 0600, and an
 * `owner` record (`<pid> <start time>` of the session's root shell, from `/proc`) by which a
 * later session tells a live directory from a stale one.
 *
 * Standard input may be private keys (a staging batch on an FMC, a new `sftunnel-key.pem` on an
 * FTD), so the directory is removed on close, by the root shell itself when its terminal hangs up
 * (a dropped connection), and otherwise by the next session that logs in to the appliance
 * ({@link staleScratchSweepCommand}).
 */

/** The default directory in which a session makes its scratch directory. */
export const DEFAULT_SCRATCH_PARENT = '/tmp';

/** How a scratch directory's name starts; `mktemp` adds eight letters and digits. */
export const SCRATCH_PREFIX = '.sftunnel-ca.';

/**
 * How long a scratch directory without an owner record (made by an earlier version, or on a
 * system without `/proc`) must have been left untouched before a later session removes it, in
 * seconds: one hour.
 */
export const UNOWNED_SCRATCH_STALE_AFTER_SECONDS = 3600;

/** Stale scratch directories found at login: those removed, and those that could not be. */
export interface StaleScratch {
  /** The directories removed, sorted. */
  readonly removed: readonly string[];
  /** The stale directories `rm -rf` could not remove, sorted. */
  readonly failed: readonly string[];
}

/** Nothing stale found. */
export const NO_STALE_SCRATCH: StaleScratch = Object.freeze({ removed: Object.freeze([]), failed: Object.freeze([]) });

/**
 * Checks a scratch parent: an absolute path of letters, digits, `/`, `.`, `_` and `-`, so it
 * can stand in a shell word and a glob unchanged.
 *
 * @throws SftunnelCaError `INVALID_ARGUMENT`
 */
export function checkScratchParent(parent: string, host: string): string {
  if (!/^\/[A-Za-z0-9._/-]*$/.test(parent) || parent.split('/').includes('..')) {
    throw new SftunnelCaError(
      'INVALID_ARGUMENT',
      `the scratch parent ${JSON.stringify(parent)} is not an absolute path of letters, digits and . _ - /; give a directory such as /tmp`,
      { host, step: 'expert-shell' },
    );
  }
  return parent.length > 1 ? parent.replace(/\/+$/, '') : parent;
}

/**
 * The shell words, run in the root shell once it is reached and before anything else is written,
 * that make the session's scratch space in `$__sftca_d`: `umask 077` (kept by the session: what it
 * creates itself is private), `mktemp -d`, the empty `in`, `err` and `rc` (so they are 0600 from
 * the start, whatever a command later does to the umask), the owner record, and traps that remove
 * the directory when the shell exits or its terminal hangs up. If `mktemp` fails, `$__sftca_d`
 * names a path that cannot exist, so every command fails rather than writing elsewhere.
 */
export function scratchSetupCommands(parent: string): string[] {
  const template = shellWord(`${parent === '/' ? '' : parent}/${SCRATCH_PREFIX}XXXXXXXX`);
  return [
    'umask 077',
    `__sftca_d=$(mktemp -d ${template}) || __sftca_d=/dev/null/sftunnel-ca-no-scratch`,
    `{ : > "$__sftca_d/in"; : > "$__sftca_d/err"; : > "$__sftca_d/rc"; } 2>/dev/null`,
    // Field 22 of /proc/PID/stat (the 20th after "PID (comm) "): the shell's start time, so a reused PID is not taken for it.
    `{ [ ! -r /proc/$$/stat ] || printf '%s %s\\n' "$$" "$(sed 's/^.*) //' /proc/$$/stat | cut -d' ' -f20)" > "$__sftca_d/owner"; } 2>/dev/null`,
    `trap 'rm -rf -- "$__sftca_d"' EXIT 2>/dev/null`,
    `trap 'exit 129' HUP TERM 2>/dev/null`,
  ];
}

/**
 * A command, run as root in a session whose scratch directory exists, that removes the stale
 * scratch directories under `parent` and prints one line per directory: `removed <path>` or
 * `failed <path>`. A directory is stale when it is named like ours (`.sftunnel-ca.` and eight
 * characters), is a directory (not a link), is owned by root, is not this session's, and either:
 * - its owner record names a root shell that no longer runs (no process with that PID and start
 *   time), or one cut off from its connection: no `sshd` process among its ancestors. (With
 *   sudo's `use_pty`, a dropped connection leaves `sudo su` and the root shell running, orphaned,
 *   for good: that shell is hung up, which ends it, after its directory is removed.)
 * - or it has no owner record (an earlier version, a system without `/proc`) and nothing in it
 *   changed for {@link UNOWNED_SCRATCH_STALE_AFTER_SECONDS} before this session began.
 */
export function staleScratchSweepCommand(parent: string): string {
  const glob = `${parent === '/' ? '' : shellWord(parent)}/${SCRATCH_PREFIX}????????`;
  // Field 2 after "PID (comm) " is the parent's PID, field 20 the start time.
  const field = (n: number, pid: string): string => `$(sed 's/^.*) //' "/proc/${pid}/stat" 2>/dev/null | cut -d' ' -f${n})`;
  return [
    `n=$(stat -c %Y -- "$__sftca_d") || exit 0`,
    `for s in ${glob}; do`,
    `  [ "$s" != "$__sftca_d" ] && [ -d "$s" ] && [ ! -L "$s" ] || continue`,
    `  [ "$(stat -c %u -- "$s")" = 0 ] || continue`,
    `  o=`,
    `  if [ -f "$s/owner" ]; then`,
    `    p=; t=; read -r p t < "$s/owner"`,
    `    case "$p" in ''|*[!0-9]*|0|1) ;; *)`,
    `      if [ -r "/proc/$p/stat" ] && [ "${field(20, '$p')}" = "$t" ]; then`,
    `        o=$p; q=$p; i=0`,
    `        while [ -n "$q" ] && [ "$q" -gt 1 ] && [ "$i" -lt 64 ]; do`,
    `          case "$(cat "/proc/$q/comm" 2>/dev/null)" in sshd*) o=; break;; esac`,
    `          q=${field(2, '$q')}; i=$((i + 1))`,
    `        done`,
    `        [ -n "$o" ] || continue`,
    `      fi;;`,
    `    esac`,
    `  else`,
    `    m=$(stat -c %Y -- "$s" "$s"/* "$s"/.[!.]* 2>/dev/null | sort -n | tail -n 1)`,
    `    [ -n "$m" ] && [ $((n - m)) -ge ${UNOWNED_SCRATCH_STALE_AFTER_SECONDS} ] || continue`,
    `  fi`,
    `  if rm -rf -- "$s" 2>/dev/null && [ ! -e "$s" ]; then echo "removed $s"; else echo "failed $s"; fi`,
    `  [ -z "$o" ] || kill -HUP "$o" 2>/dev/null`,
    `done`,
    `exit 0`,
  ].join('\n');
}

/** Reads the output of {@link staleScratchSweepCommand}. */
export function parseStaleScratch(output: string): StaleScratch {
  const removed: string[] = [];
  const failed: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^(removed|failed) (\/.*)$/.exec(line);
    if (match?.[2] === undefined) continue;
    (match[1] === 'removed' ? removed : failed).push(match[2]);
  }
  return removed.length === 0 && failed.length === 0 ? NO_STALE_SCRATCH : { removed: removed.sort(), failed: failed.sort() };
}
