import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { shellWord } from '../host/shell-word.js';

/** The commands the engine runs on an appliance (and `probe` looks for). */
export const PROBED_COMMANDS: readonly string[] = ['base64', 'sha256sum', 'mktemp', 'cp', 'mv', 'chmod', 'pmtool', 'sftunnel_status.pl'];

/** One command the engine relies on, found on the `PATH` or not. */
export interface ProbedCommand {
  /** Its name. */
  readonly name: string;
  /** Whether `command -v` finds it. */
  readonly present: boolean;
}

/** Free space of a file system, as `df -Pk` shows it. */
export interface FreeDisk {
  /** KiB available. */
  readonly availableKiB: number;
  /** The use percentage `df` prints, e.g. `37%`. */
  readonly usedPercent: string;
  /** The mount point. */
  readonly mountedOn: string;
}

type Signal = { readonly signal?: AbortSignal };

/**
 * The appliance's clock minus the operator's, in milliseconds: 0 when the appliance's second
 * (`date -u +%s`) overlaps the window of the call. Shared by `probe` and the clock-skew preflight.
 *
 * @throws SftunnelCaError `COMMAND_FAILED` when `date` does not print a number of seconds
 */
export async function readClockOffset(host: Host, now: () => Date, options: Signal = {}): Promise<number> {
  const before = now().getTime();
  const result = await host.run('date -u +%s', options);
  const after = now().getTime();
  const seconds = /^\s*(\d+)\s*$/.exec(result.stdout)?.[1];
  if (result.code !== 0 || seconds === undefined) {
    throw new SftunnelCaError('COMMAND_FAILED', `date -u +%s on ${host.name} exited ${result.code} printing ${JSON.stringify(result.stdout.trim().slice(0, 40))}`, { host: host.name, step: 'probe' });
  }
  // The remote second [t, t + 1000) was read somewhere in [before, after].
  const remote = Number(seconds) * 1000;
  if (remote + 1000 < before) return remote + 1000 - before;
  if (remote > after) return remote - after;
  return 0;
}

/**
 * The free space of the file system holding a directory (`df -Pk`). Shared by `probe` and the
 * free-disk preflight.
 *
 * @throws SftunnelCaError `COMMAND_FAILED` when `df` fails or prints no such line
 */
export async function readFreeDisk(host: Host, directory: string, options: Signal = {}): Promise<FreeDisk> {
  const result = await host.run(`df -Pk ${shellWord(directory)}`, options);
  const fields = result.stdout.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
  const availableKiB = Number(fields[3]);
  if (result.code !== 0 || fields.length < 6 || !Number.isInteger(availableKiB)) {
    throw new SftunnelCaError('COMMAND_FAILED', `df -Pk ${directory} on ${host.name} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: host.name, step: 'probe', file: directory });
  }
  return { availableKiB, usedPercent: fields[4] ?? '', mountedOn: fields[5] ?? '' };
}

/**
 * Which of {@link PROBED_COMMANDS} the appliance's shell finds, in one command. Shared by `probe`
 * and the tools preflight.
 *
 * @throws SftunnelCaError `COMMAND_FAILED` when the loop does not answer for every command
 */
export async function findCommands(host: Host, options: Signal = {}): Promise<ProbedCommand[]> {
  const script = `for c in ${PROBED_COMMANDS.map(shellWord).join(' ')}; do if command -v "$c" >/dev/null 2>&1; then echo "$c yes"; else echo "$c no"; fi; done`;
  const result = await host.run(script, options);
  const found = new Map([...result.stdout.matchAll(/^(\S+) (yes|no)$/gm)].map((m) => [m[1] ?? '', m[2] === 'yes']));
  if (found.size !== PROBED_COMMANDS.length) {
    throw new SftunnelCaError('COMMAND_FAILED', `the command -v loop on ${host.name} exited ${result.code} printing ${JSON.stringify(result.stdout.trim().slice(0, 200))}`, { host: host.name, step: 'probe' });
  }
  return PROBED_COMMANDS.map((name) => ({ name, present: found.get(name) === true }));
}
