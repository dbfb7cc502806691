import { shellWord } from '../host/shell-word.js';

/**
 * Where an earlier generation's backup goes when a renewal keeps a new one: `<file><suffix>.<unix-ms>`
 * (the run's moment), with `.1`, `.2`… added on the appliance when that name is taken too.
 *
 * @param file - the live file
 * @param suffix - the backup suffix (the vendor's `.backup`)
 * @param now - the run's moment
 */
export function datedBackupPath(file: string, suffix: string, now: Date): string {
  return `${file}${suffix}.${now.getTime()}`;
}

/**
 * A shell group that moves an earlier generation's backup `<file><suffix>` aside to
 * {@link datedBackupPath} (never overwriting one), so that the vendor's name is free for the set
 * being replaced now: the one rule of backups on the FMC and on devices. It leaves the name it
 * moved the backup to in `$R` (empty when there was none) and exits with `mv`'s status (0 when
 * there was nothing to move).
 *
 * @param file - the live file
 * @param suffix - the backup suffix
 * @param now - the run's moment
 */
export function moveBackupAsideCommand(file: string, suffix: string, now: Date): string {
  const backup = shellWord(file + suffix);
  const dated = shellWord(datedBackupPath(file, suffix, now));
  return `{ R=; [ ! -e ${backup} ] || { R=${dated}; n=0; while [ -e "$R" ]; do n=$((n+1)); R=${dated}.$n; done; mv -f ${backup} "$R"; }; }`;
}
