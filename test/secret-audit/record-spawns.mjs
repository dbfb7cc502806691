// Records the exact argv of every process this Node process starts (spawn, exec, execFile, fork:
// all go through ChildProcess.prototype.spawn) as JSON lines in <dir>/<pid>.spawned, mode 0600.
// Loaded into the test file's own process (audit-setup.ts) and, through tee-output.mjs, into every
// Node process the tests start: so the audit reads the argv of every process a Node process of the
// suite starts, however briefly it lives, without polling /proc for it.
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Starts recording the argv of the processes this one starts.
 *
 * @param {string} dir - the audit's output directory
 */
export function recordSpawns(dir) {
  const file = join(dir, `${process.pid}.spawned`);
  const spawn = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function recordedSpawn(options, ...rest) {
    try {
      const argv = Array.isArray(options?.args) && options.args.length > 0 ? options.args : [options?.file];
      appendFileSync(file, `${JSON.stringify(argv.map(String))}\n`, { mode: 0o600 });
    } catch {
      // Best effort: the audit is over (its directory is gone) or the options are not ours to read.
    }
    return spawn.call(this, options, ...rest);
  };
}
